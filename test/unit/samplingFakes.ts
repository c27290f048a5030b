// Test doubles for the sampling coordinator: a fake clock, a scripted model
// runner, and a "person" who acts on the broker's cards.
import type { IDisposable } from '../../src/host/disposable';
import { Emitter } from '../../src/host/events';
import { RequestBroker, type BrokerEntry } from '../../src/host/requests/broker';
import { auditEntryOf, RequestAudit, type AuditEntry } from '../../src/host/audit';
import { SamplingBudget } from '../../src/host/sampling/budget';
import { SamplingCoordinator, type CoordinatorDeps, type SamplingServerOptions } from '../../src/host/sampling/coordinator';
import type { ModelStreamPart } from '../../src/host/sampling/lmMessages';
import type { ModelInfo } from '../../src/host/sampling/modelSelection';
import type { ModelRunner, ModelRunRequest } from '../../src/host/sampling/runner';
import type { Clock, SamplingParams, ServerRequestContext } from '../../src/host/types';
import type { MessageView, SamplingAction, SamplingCard } from '../../src/shared/samplingProtocol';

/** A clock whose time only moves when the test says so. */
export class FakeClock implements Clock {
  time = 1_700_000_000_000;
  private timers: Array<{ at: number; fn: () => void; live: boolean; background: boolean }> = [];

  now(): number {
    return this.time;
  }

  setTimeout(fn: () => void, ms: number, options?: { background?: boolean }): IDisposable {
    const timer = { at: this.time + ms, fn, live: true, background: options?.background === true };
    this.timers.push(timer);
    return { dispose: () => (timer.live = false) };
  }

  advance(ms: number): void {
    this.time += ms;
    const due = this.timers.filter((t) => t.live && t.at <= this.time).sort((a, b) => a.at - b.at);
    this.timers = this.timers.filter((t) => t.live && t.at > this.time);
    for (const t of due) t.fn();
  }

  /**
   * Timers set and not yet run or disposed, background ones apart (the
   * broker's one review-timeout timer, which stays armed between requests
   * without keeping the process running).
   */
  get pending(): number {
    return this.timers.filter((t) => t.live && !t.background).length;
  }
}

/** A step of a scripted stream: a part, a wait, or a failure. */
export type Step = ModelStreamPart | { wait: Promise<void> } | { fail: Error };

export const MODELS: ModelInfo[] = [
  { id: 'fast-mini', name: 'Fast Mini', vendor: 'test', family: 'fast-mini', version: '1', maxInputTokens: 8192 },
  { id: 'smart-pro', name: 'Smart Pro', vendor: 'test', family: 'smart-pro', version: '2', maxInputTokens: 128000 },
];

/** A model runner that replays a script and records every request. */
export class FakeRunner implements ModelRunner {
  models: ModelInfo[] = [...MODELS];
  readonly requests: ModelRunRequest[] = [];
  /** Signals of each request, to check cancellation. */
  readonly signals: AbortSignal[] = [];
  countTokens?: (modelId: string, text: string) => Promise<number>;
  script: (req: ModelRunRequest) => Step[] = (req) => [{ type: 'text', text: `echo: ${lastText(req)}` }];
  private readonly changed = new Emitter<void>();

  /** How many times the models were listed. */
  listCalls = 0;

  async listModels(): Promise<ModelInfo[]> {
    this.listCalls++;
    return [...this.models];
  }

  onDidChangeModels(listener: () => void): IDisposable {
    return this.changed.event(listener);
  }

  fireModelsChanged(): void {
    this.changed.fire();
  }

  async *stream(req: ModelRunRequest, signal: AbortSignal): AsyncIterable<ModelStreamPart> {
    this.requests.push(req);
    this.signals.push(signal);
    for (const step of this.script(req)) {
      if ('wait' in step) await step.wait;
      else if ('fail' in step) throw step.fail;
      else yield step;
    }
  }
}

/** The last text part the model received. */
export function lastText(req: ModelRunRequest): string {
  const texts = req.messages.flatMap((m) => m.parts.flatMap((p) => (p.type === 'text' ? [p.text] : [])));
  return texts.at(-1) ?? '';
}

/** Lets pending promise callbacks run. */
export async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setImmediate(r));
}

/** Polls until `predicate` holds (or fails the test after ~2 s). */
export async function until(predicate: () => boolean, what = 'condition'): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (predicate()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Everything a coordinator test needs, wired together. */
export class Rig {
  readonly clock = new FakeClock();
  readonly broker = new RequestBroker(this.clock);
  readonly runner = new FakeRunner();
  readonly budget = new SamplingBudget({ clock: () => this.clock.now() });
  readonly audits: AuditEntry[] = [];
  /** The host's one audit path, following this rig's broker, writing to `audits`. */
  readonly audit = new RequestAudit({ record: (e) => void this.audits.push(auditEntryOf(e)) }, this.clock);
  readonly notices: string[] = [];
  readonly opened: string[] = [];
  readonly allowed: string[] = [];
  paused = false;
  readonly pauseEmitter = new Emitter<void>();
  options: Record<string, SamplingServerOptions> = {};
  reviewTimeoutMs = 600_000;
  readonly coordinator: SamplingCoordinator;

  constructor(overrides: Partial<CoordinatorDeps> = {}) {
    this.audit.follow(this.broker);
    this.coordinator = new SamplingCoordinator({
      broker: this.broker,
      runner: this.runner,
      clock: this.clock,
      budget: this.budget,
      audit: this.audit,
      reviewTimeoutMs: () => this.reviewTimeoutMs,
      justification: (s) => `server ${s} asks`,
      serverOptions: (s) => this.options[s],
      paused: () => this.paused,
      onDidChangePaused: (l) => this.pauseEmitter.event(l),
      notifyBudget: (s, r) => this.notices.push(`budget ${s}: ${r}`),
      notify: (s, m) => this.notices.push(`failed ${s}: ${m}`),
      alwaysAllow: async (s) => void this.allowed.push(s),
      openText: (_t, text) => void this.opened.push(text),
      ...overrides,
    });
  }

  /** Sends one request as server `server`; returns the promise and its abort controller. */
  request(params: Partial<SamplingParams> = {}, server = 'srv'): { result: ReturnType<SamplingCoordinator['createMessage']>; cancel: AbortController } {
    const cancel = new AbortController();
    const ctx: ServerRequestContext = { server, era: 'legacy', requestId: 7, toolCalls: [{ name: 'sample', arguments: { prompt: 'x' }, startedAt: 1 }], signal: cancel.signal };
    const full = { messages: [{ role: 'user', content: { type: 'text', text: 'Hello' } }], maxTokens: 100, ...params } as SamplingParams;
    const result = this.coordinator.createMessage(full, ctx);
    result.catch(() => undefined);
    return { result, cancel };
  }

  /** The newest pending card (waits for it to appear). */
  async card(): Promise<BrokerEntry<'sampling'>> {
    await until(() => this.broker.pending().length > 0, 'a card');
    return this.broker.pending().at(-1) as BrokerEntry<'sampling'>;
  }

  act(entry: BrokerEntry<'sampling'>, action: SamplingAction): boolean {
    return this.broker.dispatch(entry.id, action);
  }

  /** Clicks Run with the preselected model and no edits. */
  run(entry: BrokerEntry<'sampling'>, edits: Partial<Extract<SamplingAction, { type: 'run' }>['edits']> = {}): boolean {
    return this.act(entry, { type: 'run', modelId: entry.card.modelId ?? '', edits: { messages: [], ...edits } });
  }
}

/** A promise and its resolver, to hold a stream mid-way. */
export function gate(): { wait: Promise<void>; open: () => void } {
  let open!: () => void;
  const wait = new Promise<void>((r) => (open = r));
  return { wait, open };
}

/** A sampling card in review with the given messages and nothing else set. */
export function reviewCard(messages: MessageView[] = []): SamplingCard {
  return {
    phase: 'review',
    policy: 'ask',
    messages,
    systemPrompt: { original: { text: '', length: 0, truncated: false }, present: false },
    maxTokens: { requested: 10, ceiling: 10, value: 10, clamped: false },
    models: [],
    modelReason: '',
    hiddenModels: 0,
    notices: [],
    edits: [],
  };
}
