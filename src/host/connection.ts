import { setMaxListeners } from 'node:events';
import { SdkError, SdkErrorCode, type CallToolResult, type GetPromptResult, type ListResourceTemplatesResult, type Implementation, type Prompt, type ReadResourceResult, type Resource, type ServerCapabilities, type Tool, type Transport } from '@modelcontextprotocol/client';
import type { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import type { ServerConfig } from './config';
import { Disposable } from './disposable';
import { ConnectionGoneError, describeError, toProtocolError } from './errors';
import { Deadline, IdleWatchdog, linkedSignal, settledWithin, traceMessages } from './connectionSupport';
import { Emitter } from './events';
import type { HostOAuthProvider } from './auth/oauthProvider';
import { withAuthorization } from './auth/signIn';
import { HostClient } from './hostClient';
import { LineSplitter } from './lineSplitter';
import { ensureProcessGone } from './processes';
import { protocolErrorLogger } from './protocolLog';
import { createRemoteTransport, createStdioTransport, shouldFallBackToSse } from './transports';
import type { ElicitationHandler, ElicitationParams, LogSink, RootsProvider, SamplingHandler, ServerRequestContext, ToolCallInfo, ToolCaller } from './types';

type ResourceTemplate = ListResourceTemplatesResult['resourceTemplates'][number];

/** What a connection needs from its surroundings. */
export interface ConnectionDeps {
  clientInfo: Implementation;
  log: LogSink;
  onStderrLine(line: string): void;
  sampling: SamplingHandler;
  elicitation: ElicitationHandler;
  roots: RootsProvider;
  /** Folder relative paths in the config resolve against (the workspace folder). */
  baseDir?: string;
  /** Milliseconds to wait for the handshake. */
  connectTimeoutMs: number;
  /** True when protocol messages should be logged (trace level); checked per message. */
  traceEnabled?(): boolean;
  /** The OAuth provider for a remote server, if it may sign in. */
  auth?(config: Extract<ServerConfig, { type: 'http' | 'sse' }>): Promise<HostOAuthProvider | undefined>;
}

/** Options for one tool call. */
export interface CallToolOptions {
  /** Fails the call after this long without progress or a pending request to the person. */
  idleTimeoutMs: number;
  /** Hard cap for the whole call, whatever happens. */
  maxTotalMs: number;
  signal?: AbortSignal;
  onProgress?(progress: { progress: number; total?: number; message?: string }): void;
  /** Who asked for the call (chat, through the gateway); requests during the call say so. */
  caller?: ToolCaller;
}

/** Why a connection closed. */
export interface CloseEvent {
  /** True when the host closed it (stop, restart, dispose). */
  expected: boolean;
  reason?: string;
}

/**
 * One live connection to one MCP server, over stdio, Streamable HTTP or SSE,
 * in either protocol era. Server→client requests go to the injected handlers;
 * list_changed notifications refresh the cached lists.
 */
export class McpConnection extends Disposable {
  private readonly _onDidClose = this._register(new Emitter<CloseEvent>());
  readonly onDidClose = this._onDidClose.event;
  private readonly _onDidChangeLists = this._register(new Emitter<'tools' | 'prompts' | 'resources'>());
  /** Fires after tools, prompts or resources were refetched. */
  readonly onDidChangeLists = this._onDidChangeLists.event;

  tools: Tool[] = [];
  prompts: Prompt[] = [];
  resources: Resource[] = [];

  /** The OAuth provider of a remote server that signs in; it completes a step-up during a call. */
  private auth: HostOAuthProvider | undefined;
  private readonly inFlightCalls = new Map<number, ToolCallInfo>();
  private nextCallId = 1;
  private pendingServerRequests = 0;
  private readonly _onDidChangePending = this._register(new Emitter<number>());
  private closing = false;
  private closed = false;
  /**
   * Aborted when the connection goes away: pending handlers see it in their signal. It carries one `linkedSignal` listener per request in
   * flight (removed as each ends): many at once is not a leak, so Node must not warn about it.
   */
  private readonly lifetime = unlimitedListeners(new AbortController());

  private constructor(
    readonly config: ServerConfig,
    private readonly client: HostClient,
    private readonly transport: Transport,
    readonly transportKind: 'stdio' | 'streamable-http' | 'sse',
    private readonly deps: ConnectionDeps,
  ) {
    super();
    this._register(deps.roots.onDidChangeRoots(() => {
      if (!this.closed) this.client.sendRootsListChanged().catch((err) => deps.log.warn(`roots/list_changed not sent: ${describeError(err)}`));
    }));
  }

  /**
   * Opens a connection: the handshake and the first fetch of the lists, both
   * within the connect timeout. Throws a readable error on failure, and then
   * nothing of the attempt stays open (transport, child process).
   */
  static async open(config: ServerConfig, deps: ConnectionDeps): Promise<McpConnection> {
    if (config.type === 'stdio') {
      const transport = await createStdioTransport(config, deps.baseDir);
      const splitter = new LineSplitter((line) => deps.onStderrLine(line));
      transport.stderr?.on('data', (chunk: Buffer) => splitter.push(chunk));
      transport.stderr?.on('end', () => splitter.flush());
      return opened(await McpConnection.attempt(config, transport, 'stdio', deps));
    }
    const auth = await deps.auth?.(config);
    const connection = await withAuthorization(auth, () => McpConnection.openRemote(config, deps, auth));
    connection.auth = auth;
    return connection;
  }

  /** Streamable HTTP first; HTTP+SSE only when configured, or when the handshake was refused with 400/404/405. */
  private static async openRemote(config: Extract<ServerConfig, { type: 'http' | 'sse' }>, deps: ConnectionDeps, auth: HostOAuthProvider | undefined): Promise<McpConnection> {
    if (config.type === 'sse') return opened(await McpConnection.attempt(config, createRemoteTransport(config, 'sse', auth), 'sse', deps));
    const first = await McpConnection.attempt(config, createRemoteTransport(config, 'streamable', auth), 'streamable-http', deps);
    // Only a refused handshake means "an older server": a server that completed it speaks Streamable HTTP.
    if (first.ok || first.step !== 'handshake' || !shouldFallBackToSse(first.error)) return opened(first);
    deps.log.info(`Streamable HTTP refused (${describeError(first.error)}); falling back to HTTP+SSE`);
    return opened(await McpConnection.attempt(config, createRemoteTransport(config, 'sse', auth), 'sse', deps));
  }

  /** One attempt over one transport; a failed attempt is closed before this returns. */
  private static async attempt(config: ServerConfig, transport: Transport, kind: McpConnection['transportKind'], deps: ConnectionDeps): Promise<OpenOutcome> {
    // The list_changed callbacks run only after connect(), when `connection` exists.
    const client = McpConnection.createClient(deps, () => connection);
    const connection: McpConnection = new McpConnection(config, client, transport, kind, deps);
    connection.installHandlers();
    const deadline = new Deadline(deps.connectTimeoutMs);
    const handshake = client.connect(transport, {});
    let step: OpenStep = 'handshake';
    try {
      await deadline.race(handshake, 'to the MCP handshake');
      connection.handshakeDone();
      step = 'lists';
      await deadline.race(connection.refreshLists(), 'while listing tools, prompts and resources');
      return { ok: true, connection };
    } catch (error) {
      await connection.close();
      // A stdio handshake probes on a sibling process that the SDK reaps when connect() settles.
      await settledWithin(handshake, 3000);
      return { ok: false, step, error };
    } finally {
      deadline.dispose();
    }
  }

  private static createClient(deps: ConnectionDeps, connection: () => McpConnection): HostClient {
    return new HostClient(deps.clientInfo, {
      capabilities: {
        sampling: { tools: {} },
        elicitation: { form: {}, url: {} },
        roots: { listChanged: true },
      },
      versionNegotiation: { mode: 'auto', probe: { timeoutMs: Math.min(5000, deps.connectTimeoutMs) } },
      inputRequired: { autoFulfill: true, maxRounds: 10 },
      listChanged: {
        tools: { onChanged: (err, items) => connection().listChanged('tools', err, items) },
        prompts: { onChanged: (err, items) => connection().listChanged('prompts', err, items) },
        resources: { onChanged: (err, items) => connection().listChanged('resources', err, items) },
      },
    });
  }

  private handshakeDone(): void {
    this.client.onclose = () => this.handleTransportClosed();
    traceMessages(this.transport, this.deps.log, this.deps.traceEnabled);
    this.client.onerror = protocolErrorLogger(this.deps.log);
    this.client.onInputOmitted = (method, reason) => this.deps.log.info(`${method} refused (${describeError(reason)}): retrying without it, so the server learns`);
    const info = this.client.getServerVersion();
    this.deps.log.info(
      `Connected over ${this.transportKind}: ${info ? `${info.name} ${info.version}` : 'anonymous server'}, protocol ${this.client.getNegotiatedProtocolVersion() ?? '?'} (${this.client.getProtocolEra() ?? '?'} era)`,
    );
  }

  /** The server's self-reported identity (untrusted text). */
  get serverInfo(): Implementation | undefined {
    return this.client.getServerVersion();
  }

  get era(): 'legacy' | 'modern' | undefined {
    return this.client.getProtocolEra();
  }

  get protocolVersion(): string | undefined {
    return this.client.getNegotiatedProtocolVersion();
  }

  get instructions(): string | undefined {
    return this.client.getInstructions();
  }

  /** The child process id for stdio servers. */
  get pid(): number | undefined {
    return this.transportKind === 'stdio' ? ((this.transport as StdioClientTransport).pid ?? undefined) : undefined;
  }

  /** Number of server→client requests (sampling, elicitation) awaiting an answer. */
  get pendingRequests(): number {
    return this.pendingServerRequests;
  }

  private installHandlers(): void {
    this.client.setRequestHandler('sampling/createMessage', (request, ctx) =>
      this.answer(ctx.mcpReq.id, ctx.mcpReq.signal, (c) => this.deps.sampling.createMessage(request.params, c)),
    );
    this.client.setRequestHandler('elicitation/create', (request, ctx) =>
      this.answer(ctx.mcpReq.id, ctx.mcpReq.signal, (c) => this.deps.elicitation.elicit(request.params, c)),
    );
    // Out-of-spec requests reach the handler too, so the person sees what was refused.
    this.client.onRefusedElicitation = (params, ctx) => this.answer(ctx.mcpReq.id, ctx.mcpReq.signal, (c) => this.deps.elicitation.elicit(params as ElicitationParams, c));
    this.client.setRequestHandler('roots/list', () => ({ roots: this.deps.roots.roots() }));
    this.client.setNotificationHandler('notifications/elicitation/complete', (notification) => {
      this.deps.elicitation.complete?.(this.config.name, notification.params.elicitationId);
    });
  }

  /** Runs a handler with the request's context; every failure becomes a JSON-RPC error. */
  private async answer<T>(requestId: string | number, signal: AbortSignal, handler: (ctx: ServerRequestContext) => Promise<T>): Promise<T> {
    const info = this.client.getServerVersion();
    const lifetime = this.lifetime.signal;
    // Aborted when the server cancels or the connection ends, built only if a handler reads it (the broker listens
    // to the two signals instead); unlinked from the connection's lifetime once answered.
    let linked: { signal: AbortSignal; dispose(): void } | undefined;
    const context: ServerRequestContext = {
      server: this.config.name,
      serverInfo: info ? { name: info.name, version: info.version, title: info.title } : undefined,
      era: this.client.getProtocolEra(),
      requestId,
      toolCalls: [...this.inFlightCalls.values()],
      get signal() {
        return (linked ??= linkedSignal(signal, lifetime)).signal;
      },
      signals: [signal, lifetime],
    };
    this.pendingServerRequests++;
    this._onDidChangePending.fire(this.pendingServerRequests);
    try {
      return await handler(context);
    } catch (err) {
      throw toProtocolError(err);
    } finally {
      linked?.dispose();
      this.pendingServerRequests--;
      this._onDidChangePending.fire(this.pendingServerRequests);
    }
  }

  private listChanged(kind: 'tools' | 'prompts' | 'resources', err: Error | null, items: unknown[] | null): void {
    if (err) {
      this.deps.log.warn(`refreshing ${kind} after list_changed failed: ${describeError(err)}`);
      return;
    }
    if (items === null) return;
    this.deps.log.debug(`${kind} list changed (${items.length} items)`);
    if (kind === 'tools') this.tools = items as Tool[];
    else if (kind === 'prompts') this.prompts = items as Prompt[];
    else this.resources = items as Resource[];
    this._onDidChangeLists.fire(kind);
  }

  /**
   * Refetches tools, prompts and resources (those the server supports). A
   * failing tools list fails the whole fetch; prompts and resources are
   * optional extras, so their failure leaves them empty (with a warning).
   */
  async refreshLists(): Promise<void> {
    const caps = this.client.getServerCapabilities() ?? {};
    const optional = <T>(kind: string, list: Promise<T[]>) =>
      list.catch((err: unknown) => {
        this.deps.log.warn(`listing ${kind} failed: ${describeError(err)}`);
        return [] as T[];
      });
    const [tools, prompts, resources] = await Promise.all([
      caps.tools ? this.client.listTools().then((r) => r.tools, (err: unknown) => Promise.reject(new Error(`listing tools failed: ${describeError(err)}`, { cause: err }))) : Promise.resolve([]),
      caps.prompts ? optional('prompts', this.client.listPrompts().then((r) => r.prompts)) : Promise.resolve([]),
      caps.resources ? optional('resources', this.client.listResources().then((r) => r.resources)) : Promise.resolve([]),
    ]);
    this.tools = tools;
    this.prompts = prompts;
    this.resources = resources;
    this._onDidChangeLists.fire('tools');
  }

  /**
   * Calls a tool. The idle timer restarts on progress and is paused while the
   * server waits on the person (sampling or elicitation), so a call waiting on
   * a review does not time out underneath it; `maxTotalMs` caps everything.
   */
  async callTool(name: string, args: Record<string, unknown> | undefined, options: CallToolOptions): Promise<CallToolResult> {
    const id = this.nextCallId++;
    this.inFlightCalls.set(id, { name, arguments: args, startedAt: Date.now(), caller: options.caller });
    const controller = new AbortController();
    const watchdog = new IdleWatchdog(options.idleTimeoutMs, () => controller.abort(new Error(`timed out after ${Math.round(options.idleTimeoutMs / 1000)} s without progress`)));
    const pendingListener = this._onDidChangePending.event((n) => (n > 0 ? watchdog.pause() : watchdog.resume()));
    if (this.pendingServerRequests > 0) watchdog.pause();
    const linked = options.signal ? linkedSignal(options.signal, controller.signal) : undefined;
    const signal = linked?.signal ?? controller.signal;
    try {
      const call = () =>
        this.client.callTool(
          { name, arguments: args },
          {
            signal,
            timeout: options.maxTotalMs,
            maxTotalTimeout: options.maxTotalMs,
            onprogress: (p) => {
              watchdog.touch();
              options.onProgress?.(p);
            },
          },
        );
      // A 403 insufficient_scope mid-call makes the SDK start a step-up sign-in (remote servers that sign in only).
      const result = await (this.auth ? withAuthorization(this.auth, call) : call());
      return result as CallToolResult;
    } catch (err) {
      if (controller.signal.aborted) throw new Error(`Tool "${name}" ${describeError(controller.signal.reason)}`);
      if (err instanceof SdkError && err.code === SdkErrorCode.RequestTimeout) throw new Error(`Tool "${name}" exceeded the maximum of ${Math.round(options.maxTotalMs / 1000)} s`);
      if (err instanceof SdkError && err.code === SdkErrorCode.ConnectionClosed) throw new Error(`Tool "${name}" got no answer: the server closed the connection (it stopped or crashed)`);
      throw err;
    } finally {
      linked?.dispose();
      watchdog.dispose();
      pendingListener.dispose();
      this.inFlightCalls.delete(id);
    }
  }

  getPrompt(name: string, args: Record<string, string> | undefined): Promise<GetPromptResult> {
    return this.client.getPrompt({ name, arguments: args });
  }

  readResource(uri: string): Promise<ReadResourceResult> {
    return this.client.readResource({ uri });
  }

  /** The server's resource templates (all pages); empty when it has no resources. */
  async listResourceTemplates(): Promise<ResourceTemplate[]> {
    if (!this.client.getServerCapabilities()?.resources) return [];
    const templates: ResourceTemplate[] = [];
    let cursor: string | undefined;
    // A server that pages forever must not hold the caller: at most 50 pages.
    for (let page = 0; page < 50; page++) {
      const result = await this.client.listResourceTemplates(cursor === undefined ? {} : { cursor });
      templates.push(...result.resourceTemplates);
      cursor = result.nextCursor;
      if (!cursor) break;
    }
    return templates;
  }

  /** What the server declared it can do (tools, prompts, resources…). */
  get serverCapabilities(): ServerCapabilities {
    return this.client.getServerCapabilities() ?? {};
  }

  private handleTransportClosed(): void {
    if (this.closed) return;
    this.closed = true;
    this.lifetime.abort(new ConnectionGoneError());
    this._onDidClose.fire({ expected: this.closing, reason: this.closing ? undefined : 'the server closed the connection' });
  }

  /**
   * Closes the connection: pending requests are rejected, the transport is
   * closed and a stdio process that does not exit is killed.
   */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    const pid = this.pid;
    this.lifetime.abort(new ConnectionGoneError());
    this.auth?.dispose();
    try {
      // A client whose handshake failed early never took the transport over: close it directly.
      if (this.client.transport) await this.client.close();
      else await this.transport.close();
    } catch (err) {
      this.deps.log.debug(`close: ${describeError(err)}`);
    }
    if (pid !== undefined) await ensureProcessGone(pid, 2000);
    this.handleTransportClosed();
    this.dispose();
  }

  override dispose(): void {
    if (!this.closing) void this.close();
    super.dispose();
  }
}

/** How one attempt to open ended; `step` says where a failure happened. */
type OpenOutcome = { ok: true; connection: McpConnection } | { ok: false; step: OpenStep; error: unknown };
type OpenStep = 'handshake' | 'lists';

function opened(outcome: OpenOutcome): McpConnection {
  if (outcome.ok) return outcome.connection;
  throw outcome.error;
}

function unlimitedListeners(controller: AbortController): AbortController {
  setMaxListeners(0, controller.signal);
  return controller;
}
