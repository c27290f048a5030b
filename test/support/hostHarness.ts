// Test support: builds the real host (createHost, as the extension does) with
// in-memory logs and a scripted model, and starts HTTP fixture servers.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { parseServersSetting, type ConfigScope, type ConfiguredServer } from '../../src/host/config';
import { createHost, type Host, type HostEnv } from '../../src/host/createHost';
import type { UrlOpener } from '../../src/host/elicitation/coordinator';
import { Emitter } from '../../src/host/events';
import type { RequestBroker } from '../../src/host/requests/broker';
import type { ServerManager } from '../../src/host/serverManager';
import type { SettingsSource } from '../../src/host/settings';
import { HostError } from '../../src/host/errors';
import type { ElicitationHandler, LogSink, RootsProvider, SamplingHandler } from '../../src/host/types';
import { FakeRunner } from '../unit/samplingFakes';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const FIXTURES = path.join(ROOT, 'test', 'fixtures');
export const V1_STDIO = path.join(FIXTURES, 'v1-stdio-server.mjs');
export const V2_STDIO = path.join(FIXTURES, 'v2-stdio-server.mjs');

/** A log sink that keeps lines in memory. */
export class MemoryLog implements LogSink {
  readonly lines: string[] = [];
  trace = (m: string) => this.lines.push(`trace ${m}`);
  debug = (m: string) => this.lines.push(`debug ${m}`);
  info = (m: string) => this.lines.push(`info ${m}`);
  warn = (m: string) => this.lines.push(`warn ${m}`);
  error = (m: string) => this.lines.push(`error ${m}`);
}

/** Roots the tests can change. */
export class TestRoots implements RootsProvider {
  private readonly emitter = new Emitter<void>();
  readonly onDidChangeRoots = this.emitter.event;
  current = [{ uri: 'file:///tmp/project-a', name: 'project-a' }];
  roots() {
    return this.current;
  }
  set(roots: Array<{ uri: string; name: string }>) {
    this.current = roots;
    this.emitter.fire();
  }
}

/** Turns settings-style entries into validated configs, as read from one scope (fails the test on an issue). */
export function configs(entries: Record<string, unknown>, scope: ConfigScope = 'user'): ConfiguredServer[] {
  const file = scope === 'workspace' ? path.join(ROOT, '.vscode', 'settings.json') : undefined;
  const folder = scope === 'workspace' ? { name: path.basename(ROOT), path: ROOT } : undefined;
  const parsed = parseServersSetting([{ scope, value: entries, file, folder }], { userHome: '/tmp', env: process.env, workspaceFolder: ROOT });
  if (parsed.issues.length > 0) throw new Error(`bad test config: ${JSON.stringify(parsed.issues)}`);
  return parsed.servers;
}

/** Handlers for a bare `McpConnection` that refuse every request from the server. */
export const refuseAll: SamplingHandler & ElicitationHandler = {
  createMessage: async () => {
    throw HostError.unavailable('no sampling in this test');
  },
  elicit: async () => {
    throw HostError.unavailable('no elicitation in this test');
  },
};

/** Settings the test can change; unset keys read as their defaults. */
export class TestSettings implements SettingsSource {
  private readonly values = new Map<string, unknown>();
  private readonly emitter = new Emitter<void>();
  get(key: string): unknown {
    return this.values.get(key);
  }
  set(key: string, value: unknown): void {
    this.values.set(key, value);
    this.emitter.fire();
  }
  onDidChange(listener: () => void) {
    return this.emitter.event(listener);
  }
}

/** A URL opener that records what it was asked to open and opens nothing unless told. */
export class RecordingOpener implements UrlOpener {
  readonly asked: string[] = [];
  answer: 'opened' | 'dismissed' = 'dismissed';
  async confirmAndOpen({ url }: { url: { url: string } }): Promise<'opened' | 'dismissed'> {
    this.asked.push(url.url);
    return this.answer;
  }
}

export interface HostHarness {
  host: Host;
  manager: ServerManager;
  broker: RequestBroker;
  runner: FakeRunner;
  settings: TestSettings;
  opener: RecordingOpener;
  hostLog: MemoryLog;
  logs: Map<string, MemoryLog>;
  roots: TestRoots;
  dispose(): Promise<void>;
}

/**
 * The real host, built by `createHost` as the extension builds it, with test
 * logs, a scripted model runner, fast backoff and short timeouts; `overrides`
 * replace any part of the environment.
 */
export function createTestHost(overrides: Partial<HostEnv> = {}): HostHarness {
  const hostLog = new MemoryLog();
  const logs = new Map<string, MemoryLog>();
  const roots = new TestRoots();
  const runner = new FakeRunner();
  const settings = new TestSettings();
  const opener = new RecordingOpener();
  const host = createHost({
    clientInfo: { name: 'mcp-approval-host-test', version: '0.0.0' },
    log: hostLog,
    logFor: (name) => {
      let log = logs.get(name);
      if (!log) logs.set(name, (log = new MemoryLog()));
      return log;
    },
    settings,
    models: runner,
    urlOpener: opener,
    roots,
    baseDir: () => ROOT,
    timeouts: () => ({ connectMs: 15_000, toolIdleMs: 10_000, toolMaxMs: 60_000 }),
    backoff: { initialDelayMs: 50, maxDelayMs: 200, maxRestarts: 2, stableAfterMs: 60_000 },
    budgetDefaults: { requestsPerMinute: 0 },
    ...overrides,
  });
  return { host, manager: host.manager, broker: host.broker, runner, settings, opener, hostLog, logs, roots, dispose: () => host.dispose() };
}

/** Waits until `predicate` holds, re-checking on every manager change. */
export function waitFor(manager: ServerManager, predicate: () => boolean, timeoutMs = 15_000, what = 'condition'): Promise<void> {
  return new Promise((resolve, reject) => {
    if (predicate()) return resolve();
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`timed out waiting for ${what}: ${JSON.stringify(manager.list().map((s) => [s.name, s.state]))}`));
    }, timeoutMs);
    const sub = manager.onDidChange(() => {
      if (predicate()) {
        clearTimeout(timer);
        sub.dispose();
        resolve();
      }
    });
  });
}

/**
 * Waits until `name` has failed for good (an error with no retry scheduled)
 * and resolves with the error message the person sees.
 */
export async function givenUp(h: HostHarness, name: string, timeoutMs = 30_000): Promise<string> {
  await waitFor(h.manager, () => {
    const s = h.manager.get(name)?.state;
    return s?.kind === 'error' && s.retryInMs === undefined;
  }, timeoutMs, `${name} giving up`);
  const state = h.manager.get(name)?.state;
  return state?.kind === 'error' ? state.message : '';
}

/**
 * Starts an HTTP fixture server and returns its URL once it printed
 * `LISTENING <url>` (within 10 s). `stop()` sends SIGTERM, then SIGKILL after 3 s.
 */
export async function startHttpFixture(
  script: 'http-server.mjs' | 'sse-server.mjs' | 'oauth-server.mjs',
  args: string[] = [],
  env: Record<string, string> = {},
): Promise<{ url: string; process: ChildProcess; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [path.join(FIXTURES, script), ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  child.stderr?.resume(); // never read, so a chatty fixture cannot fill the pipe and stall
  const exited = once(child, 'exit');
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  };
  const rl = createInterface({ input: child.stdout! });
  let timer: NodeJS.Timeout | undefined;
  try {
    const [line] = (await Promise.race([
      once(rl, 'line'),
      exited.then(() => { throw new Error(`${script} exited early`); }),
      new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`${script} did not print LISTENING in 10 s`)), 10_000); }),
    ])) as [string];
    const match = /^LISTENING (\S+)$/.exec(line);
    if (!match) throw new Error(`unexpected first line from ${script}: ${line}`);
    return { url: match[1], process: child, stop };
  } catch (err) {
    await stop();
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

/** True while a process with this pid exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
