import type { CallToolResult, Implementation } from '@modelcontextprotocol/client';
import { sameConnection, type ConfigScope, type ServerConfig } from './config';
import type { HostOAuthProvider } from './auth/oauthProvider';
import { authFailureStage, findInCauses } from './auth/signIn';
import { AuthFailedError, SignInRequiredError, type AuthFailureStage } from './auth/types';
import { McpConnection, type CallToolOptions } from './connection';
import { Disposable, type IDisposable } from './disposable';
import { describeError } from './errors';
import { Emitter } from './events';
import { describeState, transition, DEFAULT_BACKOFF, type BackoffPolicy, type ServerState } from './lifecycle';
import { RingBuffer } from './lineSplitter';
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
  sampling(): SamplingHandler;
  elicitation(): ElicitationHandler;
  roots: RootsProvider;
  baseDir(): string | undefined;
  timeouts(): { connectMs: number; toolIdleMs: number; toolMaxMs: number };
  backoff?: BackoffPolicy;
  /**
   * The OAuth provider for a remote server. `interactive` is true only when
   * the person asked to sign in: otherwise no browser opens by itself.
   */
  auth?(server: string, config: Extract<ServerConfig, { type: 'http' | 'sse' }>, interactive: boolean): Promise<HostOAuthProvider | undefined>;
}

/** A configured server with its state, as the UI sees it. */
export interface ServerView {
  name: string;
  config: ServerConfig & { scope: ConfigScope };
  state: ServerState;
  /** Why a server is not started although configured (disabled, untrusted workspace). */
  blockedReason?: string;
  connection?: McpConnection;
  lastStderr: string[];
  /** Set when the server needs the person to sign in (it stays stopped until then). */
  signIn?: { required: true; failure?: { stage: AuthFailureStage; message: string } };
}

/** Items for a server that cannot start. */
export type BlockReason = 'disabled' | 'untrusted';

class ManagedServer {
  state: ServerState = { kind: 'stopped' };
  connection: McpConnection | undefined;
  readonly stderr = new RingBuffer<string>(20);
  restartTimer: IDisposable | undefined;
  /** Increases on every start/stop so stale async completions are ignored. */
  generation = 0;
  blockedReason: string | undefined;
  readonly log: LogSink;
  /** The next start may open the browser (the person chose Sign In). */
  signInRequested = false;
  signIn: ServerView['signIn'];

  constructor(
    public config: ServerConfig & { scope: ConfigScope },
    logFor: (name: string) => LogSink,
  ) {
    this.log = logFor(config.name);
  }
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

  constructor(private readonly deps: ServerManagerDeps) {
    super();
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
    return { name: s.config.name, config: s.config, state: s.state, blockedReason: s.blockedReason, connection: s.connection, lastStderr: s.stderr.toArray(), signIn: s.signIn };
  }

  /**
   * Applies a new configuration: removed servers stop, changed ones restart,
   * new ones start when `autoStart` allows. Option-only changes apply in place.
   */
  applyConfig(configs: Array<ServerConfig & { scope: ConfigScope }>, workspaceTrusted: boolean): void {
    this.workspaceTrusted = workspaceTrusted;
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
        if (!server.blockedReason && config.autoStart) void this.startServer(server);
        continue;
      }
      const restart = !sameConnection(existing.config, config);
      existing.config = config;
      const wasBlocked = existing.blockedReason;
      this.updateBlocked(existing);
      if (existing.blockedReason) {
        if (existing.state.kind !== 'stopped') void this.stopServer(existing, existing.blockedReason);
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
    if (server.config.disabled) server.blockedReason = 'Disabled in settings';
    else if (server.config.scope === 'workspace' && !this.workspaceTrusted) server.blockedReason = 'Workspace not trusted: servers from workspace settings do not start';
    else server.blockedReason = undefined;
  }

  async start(name: string): Promise<void> {
    const server = this.require(name);
    if (server.blockedReason) throw new Error(`${name}: ${server.blockedReason}`);
    await this.startServer(server);
  }

  async stop(name: string): Promise<void> {
    await this.stopServer(this.require(name), 'stopped by the user');
  }

  async restart(name: string): Promise<void> {
    const server = this.require(name);
    if (server.blockedReason) throw new Error(`${name}: ${server.blockedReason}`);
    await this.restartServer(server);
  }

  /**
   * Signs in to a remote server (the browser may open) by restarting it
   * interactively; resolves when it runs, rejects with the reason otherwise.
   */
  async signIn(name: string): Promise<void> {
    const server = this.require(name);
    if (server.blockedReason) throw new Error(`${name}: ${server.blockedReason}`);
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
    if (server.blockedReason) throw new Error(`${name}: ${server.blockedReason}`);
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
    if (!isRetry && (server.state.kind === 'starting' || server.state.kind === 'running')) return;
    server.restartTimer?.dispose();
    server.restartTimer = undefined;
    const generation = ++server.generation;
    this.setState(server, isRetry ? { type: 'retry' } : { type: 'start' });
    if (!isRetry) server.stderr.clear();
    server.log.info(isRetry ? `Restarting (attempt ${server.state.kind === 'starting' ? server.state.attempt : '?'})` : 'Starting');
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
          server.stderr.push(line);
          server.log.info(`[stderr] ${line}`);
        },
        sampling: this.deps.sampling,
        elicitation: this.deps.elicitation,
        roots: this.deps.roots,
        baseDir: this.deps.baseDir(),
        connectTimeoutMs: this.deps.timeouts().connectMs,
        traceEnabled: this.deps.traceEnabled ? () => this.deps.traceEnabled?.(server.config.name) ?? false : undefined,
      });
    } catch (err) {
      if (generation !== server.generation) return;
      if (this.needsSignIn(server, err)) return;
      this.fail(server, `failed to start: ${describeError(err)}`);
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
      if (!e.expected) this.fail(server, e.reason ?? 'the connection closed');
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
