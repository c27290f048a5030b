// The three fault scenarios, each returning its figures: the integration tests
// assert on them, test/bench/faults.ts prints them. Nothing here asserts.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { AuditEntry } from '../../src/host/audit';
import type { SamplingCard } from '../../src/shared/samplingProtocol';
import { gate, type Step } from '../unit/samplingFakes';
import { auditEntries, createFaultRig, eventually, running, settleWithin, toolJson, type AnyCard, type FaultRig } from './faultRig';

/** What the fixture's `fuzz` tool reports (see hostile-server.mjs). */
export interface FuzzStats {
  seed: number;
  sent: number;
  requests: number;
  expectedErrors: number;
  expectedResults: number;
  expectedNullIdErrors: number;
  answers: number;
  errors: number;
  results: number;
  nullIdErrors: number;
  wrongKind: number;
  unexpected: number;
  unanswered: number;
  unansweredIds: string[];
  bytes: number;
  totalMs: number;
}

/** Figures of one fuzz run. */
export interface FuzzFigures {
  stats: FuzzStats;
  /** The server kept its process and connection (no crash, no restart). */
  sameProcess: boolean;
  state: string;
  echo: string;
  memory: { rssBefore: number; rssAfter: number; heapBefore: number; heapAfter: number };
  logLines: number;
  logChars: number;
  openCards: number;
  ms: number;
}

/** A full garbage collection, when the runtime allows one (memory figures are then comparable). */
export function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

/** A person who refuses everything at once: sampling is rejected (-1), forms are cancelled. */
export function refuseEverything(rig: FaultRig): (entry: AnyCard) => void {
  return (entry) => void rig.broker.dispatch(entry.id, entry.kind === 'sampling' ? { type: 'reject' } : { type: 'cancel' });
}

/** Sends `count` generated hostile messages over stdio, then checks the connection still works. */
export async function runFuzz(options: { seed: number; count: number; hugeBytes: number }): Promise<FuzzFigures> {
  const rig = await createFaultRig();
  try {
    rig.person = refuseEverything(rig);
    const before = rig.h.manager.get('hostile')?.connection;
    collectGarbage();
    const m0 = process.memoryUsage();
    const t0 = Date.now();
    const stats = toolJson<FuzzStats>(await rig.h.manager.callTool('hostile', 'fuzz', options));
    const ms = Date.now() - t0;
    const echo = (toolJsonText(await rig.h.manager.callTool('hostile', 'echo', { text: 'still here' })));
    collectGarbage();
    const m1 = process.memoryUsage();
    const server = rig.h.manager.get('hostile');
    const log = rig.h.logs.get('hostile')?.lines ?? [];
    return {
      stats,
      sameProcess: server?.connection === before && server?.connection?.pid === before?.pid,
      state: server?.state.kind ?? 'missing',
      echo,
      memory: { rssBefore: m0.rss, rssAfter: m1.rss, heapBefore: m0.heapUsed, heapAfter: m1.heapUsed },
      logLines: log.length,
      logChars: log.reduce((n, l) => n + l.length, 0),
      openCards: rig.broker.openCount,
      ms,
    };
  } finally {
    await rig.dispose();
  }
}

function toolJsonText(result: { content?: unknown }): string {
  return ((result.content ?? []) as Array<{ text?: string }>).map((b) => b.text ?? '').join('');
}

export type KillKind = 'sampling' | 'elicitation';
/** Where the request is when the server dies. */
export type KillStage = 'before-card' | 'card-open' | 'model-running' | 'completion-review';
export const KILL_STAGES: Array<[KillKind, KillStage]> = [
  ['sampling', 'before-card'],
  ['sampling', 'card-open'],
  ['sampling', 'model-running'],
  ['sampling', 'completion-review'],
  ['elicitation', 'before-card'],
  ['elicitation', 'card-open'],
];

/** Figures of one kill. */
export interface KillFigures {
  kind: KillKind;
  stage: KillStage;
  /** The tool call settled within the bound; its error message. */
  settled: boolean;
  settleMs: number;
  error?: string;
  /** Pids of the old server and its child still alive after the kill (should be none). */
  orphans: number[];
  /** Cards that existed when the tool call settled (0 for sampling before-card: the model list was held). */
  cardsWhenSettled: number;
  /** The card of the request: its phase when the server died, and how it ended. */
  card?: { phaseAtKill?: string; closed?: { kind: string; message: string } };
  openCards: number;
  /** The model run was aborted (sampling, model-running). */
  modelAborted?: boolean;
  audit?: Pick<AuditEntry, 'outcome' | 'error'>;
  /** The server runs again under a new pid (restart policy). */
  restarted: boolean;
  stateAfter: string;
}

const SETTLE_BOUND_MS = 10_000;
const SAMPLE = { messages: [{ role: 'user', content: { type: 'text', text: 'tell me a secret' } }], maxTokens: 50 };
const FORM = { message: 'Your name?', requestedSchema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] } };

/** Kills the server (SIGKILL, as a crash) at one stage of a request and reports what the host did. */
export async function runKillStage(kind: KillKind, stage: KillStage): Promise<KillFigures> {
  const rig = await createFaultRig({ env: { HOSTILE_CHILD: 'inherit' } });
  try {
    const pids = toolJson<{ pid: number; child: number }>(await rig.h.manager.callTool('hostile', 'pids', {}));
    const hold = gate();
    rig.runner.script = (): Step[] => [{ type: 'text', text: 'streaming slowly…' }, hold, { type: 'text', text: ' the end' }];
    const params = { method: kind === 'sampling' ? 'sampling/createMessage' : 'elicitation/create', params: kind === 'sampling' ? SAMPLE : FORM };
    const models = gate();
    if (stage === 'before-card') rig.modelsGate = models.wait;
    const call = rig.h.manager.callTool('hostile', stage === 'before-card' ? 'askAndDie' : 'ask', params);
    call.catch(() => undefined);
    if (stage !== 'before-card') await reachStage(rig, stage, hold);
    const phaseAtKill = stage === 'before-card' ? undefined : kind === 'sampling' ? (rig.cards[0]?.card as SamplingCard | undefined)?.phase : 'form';
    if (stage !== 'before-card') process.kill(pids.pid, 'SIGKILL');
    const outcome = await settleWithin(call, SETTLE_BOUND_MS);
    const cardsWhenSettled = rig.cards.length;
    // Before the card: let the coordinator go on only once the connection is gone.
    models.open();
    await eventually(() => !running(pids.pid) && !running(pids.child), 3000);
    await eventually(() => rig.cards.length > 0 && rig.cards.every((c) => c.closed !== undefined), 3000);
    const newPid = () => rig.h.manager.get('hostile')?.connection?.pid;
    await eventually(() => rig.h.manager.get('hostile')?.state.kind === 'running' && newPid() != null && newPid() !== pids.pid, 5000);
    let audit: AuditEntry | undefined;
    for (let i = 0; i < 100 && !audit; i++) {
      audit = (await auditEntries(rig)).find((e) => e.kind === kind);
      if (!audit) await new Promise((r) => setTimeout(r, 20));
    }
    const server = rig.h.manager.get('hostile');
    return {
      kind,
      stage,
      settled: outcome.settled,
      settleMs: outcome.ms,
      error: outcome.settled ? outcome.error?.message : undefined,
      orphans: [pids.pid, pids.child].filter(running),
      cardsWhenSettled,
      card: rig.cards[0] ? { phaseAtKill, closed: rig.cards[0].closed } : undefined,
      openCards: rig.broker.openCount,
      modelAborted: rig.runner.signals[0]?.aborted,
      audit: audit && { outcome: audit.outcome, error: audit.error },
      restarted: server?.state.kind === 'running' && server.connection?.pid != null && server.connection.pid !== pids.pid,
      stateAfter: server?.state.kind ?? 'missing',
    };
  } finally {
    await rig.dispose();
  }
}

/** Waits for the card, and acts as the person up to `stage`; `hold` keeps the model streaming. */
async function reachStage(rig: FaultRig, stage: KillStage, hold: { open(): void }): Promise<void> {
  await eventually(() => rig.cards.length > 0, 5000);
  if (stage === 'card-open') return;
  const entry = rig.cards[0];
  const phase = () => (entry.card as SamplingCard).phase;
  rig.broker.dispatch(entry.id, { type: 'run', modelId: (entry.card as SamplingCard).modelId ?? '', edits: { messages: [] } });
  await eventually(() => rig.runner.requests.length === 1 && phase() === 'running', 5000);
  if (stage === 'model-running') return;
  hold.open();
  await eventually(() => phase() === 'completed', 5000);
}

/** Figures of the sampling flood. */
export interface FloodFigures {
  n: number;
  budget: number;
  cards: number;
  maxOpen: number;
  byCode: Record<string, { count: number; lastMs: number; message?: string }>;
  /** Time until every over-budget request had its error, as the fixture measured it. */
  budgetErrorsMs: number;
  /** A tools/call sent while the flood was pending. */
  parallelCall: { ok: boolean; ms: number };
  after: { pendingCards: number; activeSessions: number; pendingServerRequests: number };
}

/** One server sends `n` sampling requests at once under a budget of `budget` per minute. */
export async function runFlood(n: number, budget: number): Promise<FloodFigures> {
  const rig = await createFaultRig({ sampling: { samplingPolicy: 'ask', maxRequestsPerMinute: budget } });
  try {
    const flood = rig.h.manager.callTool('hostile', 'flood', { n });
    flood.catch(() => undefined);
    const t0 = Date.now();
    const echo = await rig.h.manager.callTool('hostile', 'echo', { text: 'alive' }).then(
      (r) => toolJsonText(r) === 'echo: alive',
      () => false,
    );
    const parallelCall = { ok: echo, ms: Date.now() - t0 };
    await eventually(() => rig.cards.length >= budget, 5000);
    for (const entry of rig.cards) rig.broker.dispatch(entry.id, { type: 'reject' });
    const result = toolJson<{ byCode: FloodFigures['byCode'] }>(await flood);
    const connection = rig.h.manager.get('hostile')?.connection;
    return {
      n,
      budget,
      cards: rig.cards.length,
      maxOpen: rig.maxOpen,
      byCode: result.byCode,
      budgetErrorsMs: result.byCode['-32003']?.lastMs ?? NaN,
      parallelCall,
      after: { pendingCards: rig.broker.pending().length, activeSessions: rig.sampling.activeCount, pendingServerRequests: connection?.pendingRequests ?? -1 },
    };
  } finally {
    await rig.dispose();
  }
}
