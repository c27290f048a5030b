// Support for the fault tests and the fault benchmark: the host core wired as
// the extension wires it (ServerManager, RequestBroker, SamplingCoordinator
// with a real budget, ElicitationCoordinator, a real AuditLog plus
// recordElicitations), a slow scriptable model, a scripted person, and
// process-tree helpers.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AuditLog, AuditEntry } from '../../src/host/audit';
import type { HostEnv } from '../../src/host/createHost';
import type { ElicitationCoordinator } from '../../src/host/elicitation/coordinator';
import type { RequestBroker, BrokerEntry } from '../../src/host/requests/broker';
import type { SamplingCoordinator, SamplingServerOptions } from '../../src/host/sampling/coordinator';
import { SETTINGS } from '../../src/host/settings';
import { alive, configs, createTestHost, FIXTURES, waitFor, type HostHarness } from '../support/hostHarness';
import { FakeRunner } from '../unit/samplingFakes';

export const HOSTILE = path.join(FIXTURES, 'hostile-server.mjs');

export type AnyCard = BrokerEntry<'sampling'> | BrokerEntry<'elicitation'>;

/** The host core as the extension builds it, around one hostile fixture server. */
export interface FaultRig {
  h: HostHarness;
  broker: RequestBroker;
  runner: FakeRunner;
  sampling: SamplingCoordinator;
  elicitation: ElicitationCoordinator;
  audit: AuditLog;
  /** Every card that appeared, in order. */
  cards: AnyCard[];
  /** The most cards open (not closed) at once. */
  maxOpen: number;
  /** Called for every new card, after it is fully open. */
  person: (entry: AnyCard) => void;
  /** The server's sampling options, as its settings entry gives them. */
  options: SamplingServerOptions;
  /** Gate the model list: while set, listModels waits for it. */
  modelsGate?: Promise<void>;
  dispose(): Promise<void>;
}

/** Options of {@link createFaultRig}. */
export interface FaultRigOptions {
  env?: Record<string, string>;
  sampling?: SamplingServerOptions;
  host?: Partial<HostEnv>;
}

/** Builds the rig and starts the hostile server (waits until it runs). */
export async function createFaultRig(options: FaultRigOptions = {}): Promise<FaultRig> {
  const dir = mkdtempSync(path.join(tmpdir(), 'mcp-fault-'));
  const runner = new FakeRunner();
  const listModels = runner.listModels.bind(runner);
  const rig = { runner, cards: [], maxOpen: 0, person: () => undefined, options: { samplingPolicy: 'ask', ...options.sampling } } as unknown as FaultRig;
  runner.listModels = async () => {
    await rig.modelsGate;
    return listModels();
  };
  // The extension's budget defaults, a real audit log (with recordElicitations) and long review timeouts.
  rig.h = createTestHost({ models: runner, storage: { auditFile: path.join(dir, 'audit.jsonl') }, budgetDefaults: undefined, ...options.host });
  rig.h.settings.set(SETTINGS.reviewTimeoutMinutes.key, 10);
  const { broker } = rig.h;
  rig.broker = broker;
  rig.sampling = rig.h.host.sampling;
  rig.elicitation = rig.h.host.elicitation;
  rig.audit = rig.h.host.audit!;
  broker.onDidChange(() => (rig.maxOpen = Math.max(rig.maxOpen, broker.openCount)));
  broker.onDidAdd((entry) => {
    rig.cards.push(entry as AnyCard);
    queueMicrotask(() => rig.person(entry as AnyCard));
  });
  rig.dispose = async () => {
    await rig.h.dispose();
    await rig.audit.readRecent(0);
    rmSync(dir, { recursive: true, force: true });
  };
  const o = rig.options;
  const entry = { command: process.execPath, args: [HOSTILE], env: { HOSTILE_MODE: 'probe', ...options.env }, samplingPolicy: o.samplingPolicy, allowedModels: o.allowedModels, maxRequestsPerMinute: o.maxRequestsPerMinute, maxTokens: o.maxTokens };
  rig.h.manager.applyConfig(configs({ hostile: entry }), true);
  await waitFor(rig.h.manager, () => rig.h.manager.get('hostile')?.state.kind === 'running', 20_000, 'hostile running');
  return rig;
}

/** The JSON a hostile tool returned as its text. */
export function toolJson<T = Record<string, unknown>>(result: { content?: unknown }): T {
  const blocks = (result.content ?? []) as Array<{ type: string; text?: string }>;
  return JSON.parse(blocks.find((b) => b.type === 'text')?.text ?? 'null') as T;
}

/** The pids of every process whose parent chain reaches `root` (not `root` itself). */
export function descendants(root: number): number[] {
  const table = execFileSync('ps', ['-e', '-o', 'pid=,ppid='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/).map(Number));
  const out: number[] = [];
  const walk = (p: number) => {
    for (const [pid, ppid] of table) {
      if (ppid === p) {
        out.push(pid);
        walk(pid);
      }
    }
  };
  walk(root);
  return out;
}

/**
 * True while a process runs. A killed orphan stays a zombie until init reaps it
 * (some container inits never do); a zombie runs nothing, so it counts as gone.
 */
export function running(pid: number): boolean {
  if (process.platform !== 'linux') return alive(pid);
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Polls `predicate` every 20 ms until it holds or `ms` pass; returns whether it held. */
export async function eventually(predicate: () => boolean, ms = 5000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (predicate()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return predicate();
}

/** Settles `promise` or reports that it was still pending after `ms`. */
export async function settleWithin<T>(promise: Promise<T>, ms: number): Promise<{ settled: true; value?: T; error?: Error; ms: number } | { settled: false; ms: number }> {
  const t0 = Date.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const outcome = await Promise.race([
    promise.then(
      (value) => ({ settled: true as const, value }),
      (error: Error) => ({ settled: true as const, error }),
    ),
    new Promise<{ settled: false }>((r) => (timer = setTimeout(() => r({ settled: false }), ms))),
  ]);
  clearTimeout(timer);
  return { ...outcome, ms: Date.now() - t0 };
}

/** The audit entries written so far. */
export function auditEntries(rig: FaultRig): Promise<AuditEntry[]> {
  return rig.audit.readRecent(10_000);
}
