import type { CallToolResult, Implementation } from '@modelcontextprotocol/client';
import { definitionHash, isOwnEdit, MemoryApprovalStore, needsApproval, redact, type ApprovalStore } from './approval';
import { sameConnection, type ConfiguredServer, type ServerConfig, type ServerEntry } from './config';
import type { HostOAuthProvider } from './auth/oauthProvider';
import { authFailureStage, findInCauses } from './auth/signIn';
import { AuthFailedError, SignInRequiredError, type AuthFailureStage } from './auth/types';
import { McpConnection, type CallToolOptions } from './connection';
import { Disposable, type IDisposable } from './disposable';
import { describeError } from './errors';
import { Emitter } from './events';
import { describeState, transition, DEFAULT_BACKOFF, type BackoffPolicy, type ServerState } from './lifecycle';
import { RingBuffer } from './lineSplitter';
import { ServerEntries } from './serverEntries';
import type { Clock, ElicitationHandler, LogSink, RootsProvider, SamplingHandler } from './types';

/** What the manager needs from its surroundings. */
export interface ServerManagerDeps {
  clientInfo: Implementation;
  clock: Clock;
  /** The host's own log. */
  log: LogSink;
  /** One log per server (a VS Code LogOutputChannel per server). */
  logFor(server: string): LogSink;
  /** Whether a server's protocol messages are traced (its log is at trace level). */
  traceEnabled?(server: string): boolean;
  sampling: SamplingHandler;
  elicitation: ElicitationHandler;
  roots: RootsProvider;
  /** Where the applied configuration is kept for the rest of the host (default: a private one). */
  entries?: ServerEntries;
  baseDir(): string | undefined;
  timeouts(): { connectMs: number; toolIdleMs: number; toolMaxMs: number };
  backoff?: BackoffPolicy;
  /** Approved workspace-defined servers (default: remembered until the host ends). */
  approvals?: ApprovalStore;
  /**
   * The OAuth provider for a remote server. `interactive` is true only when
   * the person asked to sign in: otherwise no browser opens by itself.
   */
  auth?(server: string, config: Extract<ServerConfig, { type: 'http' | 'sse' }>, interactive: boolean): Promise<HostOAuthProvider | undefined>;
}

/** A configured server with its state, as the UI sees it. */
export interface ServerView {
  name: string;
  config: ConfiguredServer;
  state: ServerState;
  /** Why a server is not started although configured (disabled, untrusted workspace, needs approval). */
  blockedReason?: string;
  blocked?: BlockReason;
  /** The hash an approval of this definition is remembered by. */
  definitionHash: string;
  connection?: McpConnection;
  lastStderr: string[];
  /** Set when the server needs the person to sign in (it stays stopped until then). */
  signIn?: { required: true; failure?: { stage: AuthFailureStage; message: string } };
}

/** Why a configured server cannot start. */
export type BlockReason = 'disabled' | 'untrusted' | 'needsApproval';

const BLOCK_TEXT: Record<BlockReason, string> = {
  disabled: 'Disabled in settings',
  untrusted: 'Workspace not trusted: servers from workspace settings do not start',
  needsApproval: 'Needs approval',
};

class ManagedServer {
  state: ServerState = { kind: 'stopped' };
  connection: McpConnection | undefined;
  readonly stderr = new RingBuffer<string>(20);
  restartTimer: IDisposable | undefined;
  /** Increases on every start/stop so stale async completions are ignored. */
  generation = 0;
  blocked: BlockReason | undefined;
  hash: string;
  readonly log: LogSink;
  /** The next start may open the browser (the person chose Sign In). */
  signInRequested = false;
  signIn: ServerView['signIn'];

  constructor(
    public config: ConfiguredServer,
    logFor: (name: string) => LogSink,
  ) {
    this.hash = definitionHash(config);
    this.log = redactingSink(logFor(config.name), () => this.config.secrets);
  }
}

/** A log sink that never writes a value the server's definition took from the environment or a credential header. */
function redactingSink(sink: LogSink, secrets: () => readonly string[]): LogSink {
  const wrap = (write: (m: string) => void) => (message: string) => write(redact(message, secrets()));
  return {
    trace: wrap((m) => sink.trace(m)),
    debug: wrap((m) => sink.debug(m)),
    info: wrap((m) => sink.info(m)),
    warn: wrap((m) => sink.warn(m)),
    error: wrap((m) => sink.error(m)),
  };
}

/**
 * Runs the configured servers: starts and stops them, restarts crashed ones
 * with exponential backoff, and applies configuration changes by restarting
 * only the servers whose entries changed.
 */
export class ServerManager extends Disposable {
  private readonly servers = new Map<string, ManagedServer>();
  private readonly _onDidChange = this._register(new Emitter<string | undefined>());
  /** Fires with a server name when that server changed, or undefined when the set changed. */
  readonly onDidChange = this._onDidChange.event;
  private workspaceTrusted = true;
  private readonly approvals: ApprovalStore;
  /** The applied configuration and the edits the host is about to make to it. */
  private readonly entries: ServerEntries;

  constructor(private readonly deps: ServerManagerDeps) {
    super();
    this.approvals = deps.approvals ?? new MemoryApprovalStore();
    this.entries = deps.entries ?? new ServerEntries();
  }

  /** All configured servers in configuration order. */
  list(): ServerView[] {
    return [...this.servers.values()].map((s) => this.view(s));
  }

  get(name: string): ServerView | undefined {
    const s = this.servers.get(name);
    return s ? this.view(s) : undefined;
  }

  private view(s: ManagedServer): ServerView {
    const blockedReason = s.blocked && BLOCK_TEXT[s.blocked];
    return { name: s.config.name, config: s.config, state: s.state, blockedReason, blocked: s.blocked, definitionHash: s.hash, connection: s.connection, lastStderr: s.stderr.toArray(), signIn: s.signIn };
  }

  /**
   * Applies a new configuration: removed servers stop, changed ones restart,
   * new ones start when `autoStart` allows. Option-only changes apply in place.
   */
  applyConfig(configs: ConfiguredServer[], workspaceTrusted: boolean): void {
    this.workspaceTrusted = workspaceTrusted;
    this.entries.replace(configs);
    const wanted = new Map(configs.map((c) => [c.name, c]));
    for (const [name, server] of this.servers) {
      if (!wanted.has(name)) {
        void this.stopServer(server, 'removed from settings');
        this.servers.delete(name);
      }
    }
    for (const config of configs) {
      const existing = this.servers.get(config.name);
      if (!existing) {
        const server = new ManagedServer(config, (n) => this.deps.logFor(n));
        this.servers.set(config.name, server);
        this.updateBlocked(server);
        if (!server.blocked && config.autoStart) void this.startServer(server);
        continue;
      }
      const restart = !sameConnection(existing.config, config);
      this.carryOwnEdit(existing, config);
      existing.config = config;
      existing.hash = definitionHash(config);
      const wasBlocked = existing.blocked;
      this.updateBlocked(existing);
      if (existing.blocked) {
        if (existing.state.kind !== 'stopped') void this.stopServer(existing, BLOCK_TEXT[existing.blocked]);
      } else if (restart && existing.state.kind !== 'stopped') {
        existing.log.info('Configuration changed: restarting');
        void this.restartServer(existing);
      } else if (wasBlocked && config.autoStart) {
        void this.startServer(existing);
      }
    }
    this._onDidChange.fire(undefined);
  }

  private updateBlocked(server: ManagedServer): void {
    const gated = needsApproval(server.config.origin);
    if (server.config.disabled) server.blocked = 'disabled';
    else if (gated && !this.workspaceTrusted) server.blocked = 'untrusted';
    else if (gated && !this.approvals.has(server.hash)) server.blocked = 'needsApproval';
    else server.blocked = undefined;
  }

  /** Keeps an approval across an edit the host made itself (see {@link expectOwnEdit}). */
  private carryOwnEdit(existing: ManagedServer, next: ConfiguredServer): void {
    const patch = this.entries.peekOwnEdit(next.name);
    if (!patch || definitionHash(next) === existing.hash) return;
    this.entries.takeOwnEdit(next.name);
    if (this.approvals.has(existing.hash) && isOwnEdit(existing.config.definition, patch, next.definition)) this.approvals.add(definitionHash(next));
  }

  /**
   * Announces that the host is about to write `patch` into a server's entry
   * because the person asked for it: an approved definition stays approved
   * when the next configuration differs by exactly that patch.
   */
  expectOwnEdit(name: string, patch: Partial<ServerEntry>): void {
    this.entries.expectOwnEdit(name, patch);
  }

  /** Servers that wait for the person's approval before they first run. */
  pendingApproval(): ServerView[] {
    return this.list().filter((s) => s.blocked === 'needsApproval');
  }

  /**
   * Records the person's approval of the server's current definition and
   * starts it. Throws when the server is blocked for another reason.
   */
  async approve(name: string, expectedHash?: string): Promise<void> {
    const server = this.require(name);
    // The definition may have changed while the person was reading the old one.
    if (expectedHash !== undefined && expectedHash !== server.hash) throw new Error(`${name}: its definition changed while you reviewed it; review it again`);
    if (server.blocked && server.blocked !== 'needsApproval') throw new Error(`${name}: ${BLOCK_TEXT[server.blocked]}`);
    this.approvals.add(server.hash);
    server.log.info('Approved by the person: this definition may start');
    this.updateBlocked(server);
    this._onDidChange.fire(name);
    await this.startServer(server);
  }

  /** Forgets every approval: workspace-defined servers stop and ask again. */
  async resetApprovals(): Promise<void> {
    this.approvals.clear();
    const stops: Array<Promise<void>> = [];
    for (const server of this.servers.values()) {
      this.updateBlocked(server);
      if (server.blocked && server.state.kind !== 'stopped') stops.push(this.stopServer(server, 'server trust was reset'));
    }
    this._onDidChange.fire(undefined);
    await Promise.all(stops);
  }

  async start(name: string): Promise<void> {
    const server = this.require(name);
    if (server.blocked) throw new Error(`${name}: ${BLOCK_TEXT[server.blocked]}`);
    await this.startServer(server);
  }

  async stop(name: string): Promise<void> {
    await this.stopServer(this.require(name), 'stopped by the user');
  }

  async restart(name: string): Promise<void> {
    const server = this.require(name);
    if (server.blocked) throw new Error(`${name}: ${BLOCK_TEXT[server.blocked]}`);
    await this.restartServer(server);
  }

  /**
   * Signs in to a remote server (the browser may open) by restarting it
   * interactively; resolves when it runs, rejects with the reason otherwise.
   */
  async signIn(name: string): Promise<void> {
    const server = this.require(name);
    if (server.blocked) throw new Error(`${name}: ${BLOCK_TEXT[server.blocked]}`);
    server.signInRequested = true;
    await this.restartServer(server);
    const failure = server.signIn?.failure;
    if (failure) throw new AuthFailedError(failure.stage, failure.message);
    if (server.state.kind !== 'running') throw new Error(server.signIn ? 'sign-in is still required' : describeState(server.state));
  }

  /**
   * Starts a server if it is not running and waits until it runs or fails.
   * Used by callers that want a result without prompts.
   */
  async ensureRunning(name: string): Promise<void> {
    const server = this.require(name);
    if (server.state.kind === 'running') return;
    if (server.blocked) throw new Error(`${name}: ${BLOCK_TEXT[server.blocked]}`);
    if (server.state.kind === 'stopped' || (server.state.kind === 'error' && server.state.retryInMs === undefined)) void this.startServer(server);
    const deadline = this.deps.timeouts().connectMs + 5000;
    await new Promise<void>((resolve, reject) => {
      const check = () => {
        const state = server.state;
        if (state.kind === 'running') finish();
        else if (state.kind === 'stopped' || (state.kind === 'error' && state.retryInMs === undefined)) finish(new Error(`Server "${name}" is not running: ${describeState(state)}`));
      };
      const sub = this.onDidChange((changed) => changed === name && check());
      const timer = this.deps.clock.setTimeout(() => finish(new Error(`Server "${name}" did not start within ${Math.round(deadline / 1000)} s`)), deadline);
      const finish = (err?: Error) => {
        sub.dispose();
        timer.dispose();
        if (err) reject(err);
        else resolve();
      };
      check();
    });
  }

  /** Calls a tool with the configured timeouts; starts nothing implicitly. */
  async callTool(serverName: string, tool: string, args: Record<string, unknown> | undefined, options: Partial<CallToolOptions> = {}): Promise<CallToolResult> {
    const server = this.require(serverName);
    const connection = server.connection;
    if (!connection || server.state.kind !== 'running') throw new Error(`Server "${serverName}" is not running (${describeState(server.state)})`);
    const t = this.deps.timeouts();
    server.log.info(`Calling tool ${tool}`);
    return connection.callTool(tool, args, { idleTimeoutMs: t.toolIdleMs, maxTotalMs: t.toolMaxMs, ...options });
  }

  private require(name: string): ManagedServer {
    const server = this.servers.get(name);
    if (!server) throw new Error(`No server named "${name}" is configured`);
    return server;
  }

  private setState(server: ManagedServer, event: Parameters<typeof transition>[1]): void {
    server.state = transition(server.state, event, this.deps.backoff ?? DEFAULT_BACKOFF);
    this._onDidChange.fire(server.config.name);
  }

  private async startServer(server: ManagedServer, isRetry = false): Promise<void> {
    // The one gate every start passes: nothing is spawned, contacted or resolved into a request while blocked.
    if (server.blocked) return;
    if (!isRetry && (server.state.kind === 'starting' || server.state.kind === 'running')) return;
    server.restartTimer?.dispose();
    server.restartTimer = undefined;
    const generation = ++server.generation;
    this.setState(server, isRetry ? { type: 'retry' } : { type: 'start' });
    if (!isRetry) server.stderr.clear();
    server.log.info(isRetry ? `Restarting (attempt ${server.state.kind === 'starting' ? server.state.attempt : '?'})` : 'Starting');
    // Opening a connection loads the MCP SDKs (dist/sdk.js, see lazyModules in scripts/build.mjs):
    // in a later turn, so that a server started by applyConfig does not load them inside createCore.
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (generation !== server.generation || this.isDisposed) return;
    let connection: McpConnection;
    const interactive = server.signInRequested;
    server.signInRequested = false;
    const auth = this.deps.auth;
    try {
      connection = await McpConnection.open(server.config, {
        auth: auth && ((c) => auth(server.config.name, c, interactive)),
        clientInfo: this.deps.clientInfo,
        log: server.log,
        onStderrLine: (line) => {
          server.stderr.push(redact(line, server.config.secrets));
          server.log.info(`[stderr] ${line}`);
        },
        sampling: this.deps.sampling,
        elicitation: this.deps.elicitation,
        roots: this.deps.roots,
        // A folder's server runs in that folder by default.
        baseDir: server.config.origin.folder?.path ?? this.deps.baseDir(),
        connectTimeoutMs: this.deps.timeouts().connectMs,
        traceEnabled: this.deps.traceEnabled ? () => this.deps.traceEnabled?.(server.config.name) ?? false : undefined,
      });
    } catch (err) {
      if (generation !== server.generation) return;
      if (this.needsSignIn(server, err)) return;
      this.fail(server, redact(`failed to start: ${describeError(err)}`, server.config.secrets));
      return;
    }
    server.signIn = undefined;
    if (generation !== server.generation || this.isDisposed) {
      await connection.close();
      return;
    }
    server.connection = connection;
    connection.onDidClose((e) => {
      if (server.connection !== connection) return;
      server.connection = undefined;
      if (!e.expected) this.fail(server, redact(e.reason ?? 'the connection closed', server.config.secrets));
    });
    connection.onDidChangeLists(() => this._onDidChange.fire(server.config.name));
    this.setState(server, { type: 'connected', at: this.deps.clock.now() });
  }

  /** A start that needs the person (sign-in) waits for them: stopped, no restarts. */
  private needsSignIn(server: ManagedServer, err: unknown): boolean {
    const required = findInCauses(err, (e): e is SignInRequiredError => e instanceof SignInRequiredError);
    const stage = required ? undefined : authFailureStage(err);
    if (!required && !stage) return false;
    server.signIn = { required: true, ...(stage && { failure: { stage, message: describeError(err) } }) };
    server.log.warn(stage ? `Sign-in failed (${stage}): ${describeError(err)}` : 'Sign in required');
    this.setState(server, { type: 'stop' });
    return true;
  }

  /** Records a crash or failed start and schedules a restart while attempts remain. */
  private fail(server: ManagedServer, message: string): void {
    // Give a crashing process a moment so its last stderr lines arrive before we snapshot them.
    const generation = server.generation;
    const settle = this.deps.clock.setTimeout(() => {
      if (generation !== server.generation || server.state.kind === 'stopped') return;
      this.setState(server, { type: 'failed', message, lastStderr: server.stderr.toArray().slice(-10), at: this.deps.clock.now() });
      const state = server.state;
      if (state.kind !== 'error') return;
      if (state.retryInMs === undefined) {
        server.log.error(`Giving up after ${state.attempt} failed attempts: ${message}`);
        this.deps.log.error(`Server "${server.config.name}" stopped restarting: ${message}`);
        return;
      }
      server.log.warn(`${message}; restarting in ${state.retryInMs} ms`);
      server.restartTimer = this.deps.clock.setTimeout(() => {
        server.restartTimer = undefined;
        if (server.generation === generation && server.state.kind === 'error') void this.startServer(server, true);
      }, state.retryInMs);
    }, 100);
    server.restartTimer = settle;
  }

  private async stopServer(server: ManagedServer, why: string): Promise<void> {
    server.generation++;
    server.restartTimer?.dispose();
    server.restartTimer = undefined;
    const connection = server.connection;
    server.connection = undefined;
    if (server.state.kind !== 'stopped') {
      server.log.info(`Stopping (${why})`);
      this.setState(server, { type: 'stop' });
    }
    if (connection) await connection.close();
  }

  private async restartServer(server: ManagedServer): Promise<void> {
    await this.stopServer(server, 'restart');
    await this.startServer(server);
  }

  /** Stops every server and waits until their processes are gone. */
  async shutdown(): Promise<void> {
    await Promise.all([...this.servers.values()].map((s) => this.stopServer(s, 'shutting down')));
  }

  override dispose(): void {
    void this.shutdown();
    super.dispose();
  }
}
