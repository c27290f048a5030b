import type { ChildProcess } from 'node:child_process';
import { PassThrough } from 'node:stream';
import spawn from 'cross-spawn';
import { SdkError, SdkErrorCode, serializeMessage, type JSONRPCMessage, type Transport } from '@modelcontextprotocol/client';
import { getDefaultEnvironment } from '@modelcontextprotocol/client/stdio';
import { readLine } from './jsonRpcGuard';
import { reapGroup, signalGroup, USE_PROCESS_GROUPS } from './processes';

/** How a stdio server is started (the SDK's `StdioServerParameters`, plus a line limit). */
export interface HostStdioParams {
  command: string;
  args?: string[];
  env?: Record<string, string>;
  cwd?: string;
  stderr?: 'pipe' | 'ignore' | 'inherit';
  /** Longest accepted message line; longer lines are skipped. */
  maxLineBytes?: number;
}

/** Longest message line accepted by default (the SDK closes the connection at 10 MiB). */
export const DEFAULT_MAX_LINE_BYTES = 16 * 1024 * 1024;
const EXIT_GRACE_MS = 2000;
// The first revision of the modern (stateless) era; revisions are dates, so they compare as strings.
const MODERN_ERA_START = '2026-07-28';

/**
 * The stdio transport of the host, in place of the SDK's `StdioClientTransport`:
 *
 * - the server leads its own process group (POSIX), and when it exits, or is
 *   closed, whatever it started is signalled too, so no grandchild outlives it;
 * - the connection counts as closed when the process exits, even if a
 *   grandchild still holds its stdout (the SDK waits for the pipes to close);
 * - a malformed request is answered with a JSON-RPC error instead of being
 *   dropped, and a line over `maxLineBytes` is skipped without growing memory.
 *
 * `_serverParams` and `_dispose` mirror the SDK's class on purpose: the SDK's
 * version negotiation recognises them and probes on a disposable sibling
 * process, which servers that exit on an unknown first request need.
 */
export class HostStdioTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  /** Read by the SDK's sibling probe: it builds a second instance from these. */
  readonly _serverParams: HostStdioParams;
  private child: ChildProcess | undefined;
  private childPid: number | undefined;
  private readonly stderrStream: PassThrough | undefined;
  private readonly framer: LineFramer;
  private protocolVersion: string | undefined;
  private closed = false;
  private exited: Promise<void> | undefined;

  constructor(params: HostStdioParams) {
    this._serverParams = params;
    if (params.stderr === 'pipe') this.stderrStream = new PassThrough();
    this.framer = new LineFramer(params.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES, (line) => this.onLine(line), (bytes) => this.onerror?.(new Error(`skipped a message line of ${bytes} bytes (limit ${params.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES})`)));
  }

  /** The server's pid while it runs. */
  get pid(): number | null {
    return this.child ? (this.childPid ?? null) : null;
  }

  /** The server's stderr, available before `start()` when `stderr: 'pipe'`. */
  get stderr(): PassThrough | null {
    return this.stderrStream ?? null;
  }

  setProtocolVersion(version: string): void {
    this.protocolVersion = version;
  }

  start(): Promise<void> {
    if (this.child || this.closed) throw new Error('HostStdioTransport already started');
    const p = this._serverParams;
    return new Promise((resolve, reject) => {
      const child = spawn(p.command, p.args ?? [], {
        env: { ...getDefaultEnvironment(), ...p.env },
        cwd: p.cwd,
        stdio: ['pipe', 'pipe', p.stderr === 'pipe' ? 'pipe' : (p.stderr ?? 'inherit')],
        shell: false,
        windowsHide: true,
        detached: USE_PROCESS_GROUPS,
      });
      this.child = child;
      child.on('error', (err) => {
        reject(err);
        this.onerror?.(err);
      });
      child.on('spawn', () => {
        this.childPid = child.pid;
        resolve();
      });
      this.exited = new Promise((done) => child.once('exit', () => done()));
      child.once('exit', () => void this.onExit(child));
      child.stdin?.on('error', (err) => this.onerror?.(err));
      child.stdout?.on('data', (chunk: Buffer) => this.framer.push(chunk));
      child.stdout?.on('error', (err) => this.onerror?.(err));
      if (this.stderrStream && child.stderr) child.stderr.pipe(this.stderrStream);
    });
  }

  send(message: JSONRPCMessage): Promise<void> {
    return new Promise((resolve, reject) => {
      const stdin = this.child?.stdin;
      if (!stdin || stdin.destroyed || !stdin.writable) return reject(new SdkError(SdkErrorCode.NotConnected, 'Not connected'));
      stdin.write(serializeMessage(message), (err) => (err ? reject(err) : resolve()));
    });
  }

  /** Ends stdin, waits for the exit, then signals the group (SIGTERM, then SIGKILL). */
  async close(): Promise<void> {
    const child = this.child;
    if (!child || this.closed) return;
    this.closed = true;
    try {
      child.stdin?.end();
    } catch {
      // The pipe is already gone.
    }
    if (!(await this.waitForExit(EXIT_GRACE_MS))) {
      this.signal(child, 'SIGTERM');
      if (!(await this.waitForExit(EXIT_GRACE_MS))) this.signal(child, 'SIGKILL');
    }
    await this.waitForExit(EXIT_GRACE_MS);
    if (this.childPid !== undefined) reapGroup(this.childPid);
  }

  /** The SDK's sibling reaper: signal first, never waiting on pipes a helper may hold. */
  async _dispose(): Promise<void> {
    const child = this.child;
    if (!child || this.closed) return;
    this.closed = true;
    this.signal(child, 'SIGTERM');
    if (!(await this.waitForExit(1000))) this.signal(child, 'SIGKILL');
    await this.waitForExit(EXIT_GRACE_MS);
    if (this.childPid !== undefined) reapGroup(this.childPid);
  }

  private onLine(line: Buffer): void {
    // A CRLF line loses its CR before decoding (no regular expression over the decoded line, no second copy of it).
    const end = line.length > 0 && line[line.length - 1] === 0x0d ? line.length - 1 : line.length;
    for (const item of readLine(line.toString('utf8', 0, end))) {
      if (item.kind === 'message') this.onmessage?.(item.message);
      else {
        this.onerror?.(new Error(item.reason));
        // On a 2026-07-28 stdio connection the client never writes responses (the SDK drops even valid requests there).
        if (item.kind === 'invalidRequest' && !(this.protocolVersion !== undefined && this.protocolVersion >= MODERN_ERA_START)) {
          this.send(item.reply as unknown as JSONRPCMessage).catch((err: Error) => this.onerror?.(err));
        }
      }
    }
  }

  /** The server exited (on its own, killed, or closed by us): end its group, then report the close once. */
  private async onExit(child: ChildProcess): Promise<void> {
    if (this.childPid !== undefined) reapGroup(this.childPid);
    // A grandchild that inherited stdout keeps the pipe open: give the last lines a moment, then stop waiting.
    if (child.stdout && !child.stdout.destroyed) {
      await Promise.race([new Promise((r) => child.stdout?.once('close', r)), new Promise((r) => setTimeout(r, 500).unref())]);
    }
    child.stdout?.destroy();
    child.stdin?.destroy();
    child.stderr?.destroy();
    this.framer.clear();
    this.child = undefined;
    this.onclose?.();
  }

  private signal(child: ChildProcess, signal: NodeJS.Signals): void {
    if (this.childPid !== undefined && signalGroup(this.childPid, signal)) return;
    try {
      child.kill(signal);
    } catch {
      // Already gone.
    }
  }

  private async waitForExit(ms: number): Promise<boolean> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const done = await Promise.race([this.exited?.then(() => true), new Promise<boolean>((r) => (timer = setTimeout(() => r(false), ms)))]);
    clearTimeout(timer);
    return done ?? true;
  }
}

/**
 * Splits stdout into lines without concatenating on every chunk; a line
 * longer than `max` is dropped as it streams in (memory stays bounded).
 */
export class LineFramer {
  private chunks: Buffer[] = [];
  private size = 0;
  private skipping = false;

  constructor(
    private readonly max: number,
    private readonly onLine: (line: Buffer) => void,
    private readonly onSkipped: (bytes: number) => void,
  ) {}

  push(chunk: Buffer): void {
    let start = 0;
    for (let nl = chunk.indexOf(0x0a, start); nl !== -1; nl = chunk.indexOf(0x0a, start)) {
      this.take(chunk.subarray(start, nl), true);
      start = nl + 1;
    }
    if (start < chunk.length) this.take(chunk.subarray(start), false);
  }

  clear(): void {
    this.chunks = [];
    this.size = 0;
    this.skipping = false;
  }

  private take(piece: Buffer, endsLine: boolean): void {
    this.size += piece.length;
    if (!this.skipping && this.size > this.max) {
      this.skipping = true;
      this.chunks = [];
    }
    if (!this.skipping) this.chunks.push(piece);
    if (!endsLine) return;
    const { chunks, size, skipping } = this;
    this.clear();
    if (skipping) this.onSkipped(size);
    else this.onLine(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
  }
}
