import { CARD_TEXT_CAP, type PromptEdits, type SamplingAction, type SamplingCard } from '../../shared/samplingProtocol';
import type { IDisposable } from '../disposable';
import { HostError } from '../errors';
import { originOf } from '../requests/origin';
import { ReviewAbortedError, type ReviewHandle } from '../requests/broker';
import type { SamplingResult, ServerRequestContext } from '../types';
import type { AuditOutcome } from '../audit';
import { fullTextOf, textView } from './cardBuilder';
import { applyEdits } from './edits';
import { toLmMessages } from './lmMessages';
import { preselectModel, type ModelInfo } from './modelSelection';
import { runModel, type RunOutcome } from './modelRun';
import { buildSamplingResult, ModelRunError, type ModelRunRequest } from './runner';
import { initialCard, modelOptions, type SessionDeps, type SessionSetup } from './sessionSupport';
import type { SamplingRequest } from './validation';

/** The stop reason sent when the person pressed Stop and then sent the partial text. */
export const STOPPED_BY_USER = 'stoppedByUser';
const STREAM_UPDATE_MS = 50;

interface ActiveRun {
  id: number;
  controller: AbortController;
  stoppedByUser: boolean;
  model: ModelInfo;
  startedAt: number;
}

interface Completion extends RunOutcome {
  model: ModelInfo;
  stopReasonShown: string;
}

/**
 * One sampling request from arrival to answer: the card, the person's
 * actions, model runs and the answer. Created by the coordinator once the
 * request passed validation, policy and budget checks.
 */
export class SamplingSession {
  private handle!: ReviewHandle<SamplingCard, SamplingAction>;
  private readonly card: SamplingCard;
  private readonly subs: IDisposable[] = [];
  private models: ModelInfo[] = [];
  private selected: ModelInfo | undefined;
  private preselectedId: string | undefined;
  private applied: { request: SamplingRequest; changed: string[] };
  private run: ActiveRun | undefined;
  private completion: Completion | undefined;
  private runCount = 0;
  private runMs = 0;
  private settled = false;
  private pushTimer: IDisposable | undefined;
  private resolve!: (r: SamplingResult) => void;
  private reject!: (e: unknown) => void;
  private readonly openedAt: number;

  constructor(
    private readonly original: SamplingRequest,
    private readonly ctx: ServerRequestContext,
    private readonly setup: SessionSetup,
    private readonly deps: SessionDeps,
  ) {
    this.openedAt = deps.clock.now();
    this.applied = { request: { ...original, maxTokens: setup.maxTokens }, changed: [] };
    this.card = initialCard(original, setup);
  }

  /** Lists models, opens the card and resolves with the answer (or rejects with the error to send). */
  async start(models: ModelInfo[]): Promise<SamplingResult> {
    const done = new Promise<SamplingResult>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    this.setModels(models);
    this.handle = this.deps.broker.open<SamplingCard, SamplingAction>('sampling', this.ctx.server, this.snapshot(), {
      origin: originOf(this.ctx),
      signal: this.ctx.signal,
      timeoutMs: this.deps.reviewTimeoutMs(),
    });
    this.subs.push(this.handle.onAction((a) => this.onAction(a)));
    const onAbort = () => this.onAborted(this.handle.signal.reason);
    this.handle.signal.addEventListener('abort', onAbort, { once: true });
    this.subs.push({ dispose: () => this.handle.signal.removeEventListener('abort', onAbort) });
    this.subs.push(this.deps.runner.onDidChangeModels(() => void this.refreshModels()));
    if (!this.setup.decision.reviewPrompt) this.startRun(this.selected);
    try {
      return await done;
    } finally {
      for (const s of this.subs) s.dispose();
      this.pushTimer?.dispose();
    }
  }

  /** Ends the request because sampling was paused for all servers. */
  pauseReject(reason: string): void {
    this.fail(HostError.denied(reason), 'denied', 'paused', reason);
  }

  private onAction(action: SamplingAction): void {
    if (this.settled) return;
    switch (action.type) {
      case 'run':
        return this.onRun(action.modelId, action.edits);
      case 'stop':
        if (this.run) {
          this.run.stoppedByUser = true;
          this.run.controller.abort();
        }
        return;
      case 'send':
        return this.onSend(action.completion);
      case 'reject':
        return this.fail(HostError.userRejected(), 'rejected', 'rejected', 'Rejected by you');
      case 'returnError':
        if (this.card.phase === 'error' || !this.selected) this.fail(HostError.unavailable(this.card.error ?? this.card.modelReason), 'error', 'error', this.card.error ?? this.card.modelReason);
        return;
      case 'alwaysAllow':
        return void this.onAlwaysAllow();
      case 'openFull':
        return this.onOpenFull(action.target);
    }
  }

  private onRun(modelId: string, edits: PromptEdits): void {
    if (this.run) return;
    const model = this.models.find((m) => m.id === modelId);
    if (!model) return this.showError(`The model "${modelId}" is not available to this server`);
    const result = applyEdits(this.original, this.setup.maxTokens, this.setup.ceiling, edits);
    if ('error' in result) return this.showError(result.error);
    this.applied = { request: result.request, changed: result.changed };
    if (result.clampedTo !== undefined) this.addNotice(`maxTokens was lowered to ${result.clampedTo}, this server's ceiling.`);
    this.selected = model;
    this.startRun(model);
  }

  private startRun(model: ModelInfo | undefined): void {
    if (!model) return this.runFailed(this.card.modelReason);
    const run: ActiveRun = { id: ++this.runCount, controller: new AbortController(), stoppedByUser: false, model, startedAt: this.deps.clock.now() };
    this.run = run;
    this.completion = undefined;
    const request = this.modelRequest(model);
    Object.assign(this.card, { phase: 'running', error: undefined, modelId: model.id, edits: this.editList() });
    this.card.completion = { runId: run.id, text: textView(''), toolUses: [], streaming: true, modelId: model.id, modelLabel: model.name, outputTokens: 0 };
    this.applyViews();
    this.push();
    const limits = { maxTokens: this.applied.request.maxTokens, stopSequences: this.applied.request.stopSequences };
    runModel(this.deps.runner, request, limits, run.controller.signal, (p) => {
      if (this.run !== run || !this.card.completion) return;
      this.card.completion.text = textView(p.text);
      this.card.completion.toolUses = p.toolUses.map((u) => ({ id: u.id, name: u.name, input: textView(JSON.stringify(u.input, null, 2)) }));
      this.schedulePush();
    }).then(
      (outcome) => this.runEnded(run, outcome),
      (err: unknown) => this.runEnded(run, err),
    );
  }

  private modelRequest(model: ModelInfo): ModelRunRequest {
    const req = this.applied.request;
    const lm = toLmMessages(req.messages, req.systemPrompt);
    for (const note of lm.notes) this.addNotice(note);
    const mode = req.toolChoice?.mode;
    const tools = mode === 'none' ? undefined : req.tools?.map((t) => ({ name: t.name, description: t.description ?? '', inputSchema: t.inputSchema }));
    return {
      modelId: model.id,
      messages: lm.messages,
      tools: tools && tools.length > 0 ? tools : undefined,
      toolMode: tools && tools.length > 0 ? (mode === 'required' ? 'required' : 'auto') : undefined,
      modelOptions: modelOptions(req),
      justification: this.deps.justification(this.ctx.server),
    };
  }

  private runEnded(run: ActiveRun, outcome: RunOutcome | unknown): void {
    if (this.run === run) this.run = undefined;
    this.runMs += this.deps.clock.now() - run.startedAt;
    if (this.settled) return;
    if (!isOutcome(outcome)) {
      const message = outcome instanceof ModelRunError ? outcome.message : `The model request failed: ${String(outcome)}`;
      if (this.card.completion) this.card.completion.streaming = false;
      return this.runFailed(message);
    }
    const stopReasonShown = run.stoppedByUser ? STOPPED_BY_USER : outcome.stopReason;
    this.completion = { ...outcome, model: run.model, stopReasonShown };
    this.card.phase = 'completed';
    this.card.completion = {
      runId: run.id,
      text: textView(outcome.text),
      toolUses: outcome.toolUses.map((u) => ({ id: u.id, name: u.name, input: textView(JSON.stringify(u.input, null, 2)) })),
      streaming: false,
      stopReason: stopReasonShown,
      modelId: run.model.id,
      modelLabel: run.model.name,
      outputTokens: outcome.outputTokens,
    };
    // A Stop is the person stepping in: the partial answer is theirs to review, whatever the policy.
    if (!this.setup.decision.reviewCompletion && !run.stoppedByUser) return this.onSend(undefined);
    this.push();
  }

  /** A run could not start or failed: on the card when someone reviews, else straight to the server. */
  private runFailed(message: string, error: HostError = HostError.unavailable(`Model request failed: ${message}`), outcome: AuditOutcome = 'error'): void {
    if (this.setup.policy === 'auto') return this.fail(error, outcome, outcome === 'denied' ? 'denied' : 'error', message);
    this.card.phase = 'error';
    this.card.error = message;
    this.push();
  }

  private onSend(edited: string | undefined): void {
    const c = this.completion;
    if (!c || this.card.phase !== 'completed') return;
    let text = c.text;
    // A completion shown only in part cannot have been edited as a whole.
    if (edited !== undefined && edited !== c.text && c.text.length <= CARD_TEXT_CAP) {
      text = edited;
      this.applied.changed.push('completion');
    }
    const result = buildSamplingResult({ text, toolUses: c.toolUses, model: c.model.id, stopReason: c.stopReasonShown });
    const summary = c.toolUses.length ? `${c.toolUses.length} tool call(s): ${c.toolUses.map((u) => u.name).join(', ')}` : preview(text);
    this.settle('sent', `${summary} (${c.model.name}, ${c.stopReasonShown})`, 'sent', undefined, result);
    this.resolve(result);
  }

  private fail(error: Error, outcome: AuditOutcome, historyOutcome: string, summary: string): void {
    if (this.settled) return;
    this.run?.controller.abort();
    // Nobody watches an auto card: say so outside the panel (the extension throttles this).
    if (this.setup.policy === 'auto' && outcome !== 'rejected') this.deps.notify?.(this.ctx.server, summary);
    this.settle(historyOutcome, summary, outcome, error.message);
    this.reject(error);
  }

  private settle(historyOutcome: string, summary: string, outcome: AuditOutcome, error?: string, result?: SamplingResult): void {
    this.settled = true;
    this.pushTimer?.dispose();
    if (!this.handle.signal.aborted) this.handle.finish(historyOutcome, summary);
    this.audit(outcome, error, result);
  }

  /** Timeout, server cancellation or disconnect: stop everything, answer nothing more. */
  private onAborted(reason: unknown): void {
    if (this.settled) return;
    this.settled = true;
    this.run?.controller.abort();
    this.pushTimer?.dispose();
    if (this.card.completion) this.card.completion.streaming = false;
    this.handle.update(this.snapshot());
    const aborted = reason instanceof ReviewAbortedError ? reason : new ReviewAbortedError('cancelled-by-server', 'Cancelled');
    this.audit(aborted.kind === 'timeout' ? 'timeout' : 'cancelled', aborted.message);
    this.reject(aborted.kind === 'timeout' ? HostError.timeout(`Sampling request not reviewed in time: ${aborted.message}`) : aborted);
  }

  private async onAlwaysAllow(): Promise<void> {
    try {
      await this.deps.alwaysAllow?.(this.ctx.server);
      this.card.alwaysAllowed = true;
      this.addNotice(`From now on, sampling requests from "${this.ctx.server}" run and are sent without review (samplingPolicy "auto"). This request still waits for you.`);
    } catch (err) {
      this.card.error = `Could not change the setting: ${err instanceof Error ? err.message : String(err)}`;
    }
    if (!this.settled) this.push();
  }

  private onOpenFull(target: string): void {
    const text = target === 'completion' ? this.completion?.text : fullTextOf(this.applied.request, target) ?? fullTextOf(this.original, target);
    if (text !== undefined) this.deps.openText?.(`Sampling request from ${this.ctx.server}: ${target}`, text);
  }

  private setModels(models: ModelInfo[]): void {
    const pick = preselectModel(models, this.original.modelPreferences, this.setup.allowedModels);
    this.models = models.filter((m) => this.setup.isAllowed(m));
    this.card.models = this.models.map((m) => ({ id: m.id, label: m.name, detail: `${m.vendor} / ${m.family} ${m.version}`.trim() }));
    this.card.hiddenModels = models.length - this.models.length;
    const keep = this.selected && this.models.find((m) => m.id === this.selected?.id);
    this.selected = keep ?? pick.model;
    this.card.modelId = this.selected?.id;
    if (!keep) {
      this.preselectedId = pick.model?.id;
      this.card.modelReason = pick.reason;
    }
  }

  private async refreshModels(): Promise<void> {
    const models = await this.deps.listModels();
    if (this.settled) return;
    this.setModels(models);
    this.push();
  }

  private showError(message: string): void {
    this.card.error = message;
    this.push();
  }

  private addNotice(notice: string): void {
    if (!this.card.notices.includes(notice)) this.card.notices.push(notice);
  }

  private editList(): string[] {
    const model = this.selected && this.selected.id !== this.preselectedId ? ['model'] : [];
    return [...this.applied.changed, ...model];
  }

  /** Shows the applied edits on the card (marked "edited"). */
  private applyViews(): void {
    const req = this.applied.request;
    this.card.maxTokens.value = req.maxTokens;
    this.card.systemPrompt.current = this.applied.changed.includes('systemPrompt') ? textView(req.systemPrompt ?? '') : undefined;
    this.card.messages.forEach((m, i) =>
      m.blocks.forEach((b, j) => {
        if (b.kind !== 'text') return;
        const block = req.messages[i].content[j];
        b.text.current = this.applied.changed.includes(`messages[${i}].content[${j}]`) && block.type === 'text' ? textView(block.text) : undefined;
      }),
    );
  }

  private snapshot(): SamplingCard {
    return { ...this.card };
  }

  private push(): void {
    this.pushTimer?.dispose();
    this.pushTimer = undefined;
    this.handle.update(this.snapshot());
  }

  // Streams can deliver hundreds of chunks a second; the view gets at most one update per interval.
  private schedulePush(): void {
    if (this.pushTimer) return;
    this.pushTimer = this.deps.clock.setTimeout(() => {
      this.pushTimer = undefined;
      if (!this.settled) this.handle.update(this.snapshot());
    }, STREAM_UPDATE_MS);
  }

  private audit(outcome: AuditOutcome, error?: string, result?: SamplingResult): void {
    const c = this.completion;
    const total = this.deps.clock.now() - this.openedAt;
    const req = this.applied.request;
    void this.deps.audit?.record({
      ts: new Date(this.deps.clock.now()).toISOString(),
      server: this.ctx.server,
      kind: 'sampling',
      requestId: this.ctx.requestId,
      tool: originOf(this.ctx).toolCall?.name,
      model: c?.model.id ?? this.selected?.id,
      outcome,
      edits: this.editList(),
      durationsMs: { review: Math.max(0, total - this.runMs), run: this.runMs },
      tokenEstimate: c ? { input: c.inputTokens, output: c.outputTokens } : undefined,
      error,
      content: { messages: req.messages, systemPrompt: req.systemPrompt, completion: result?.content ?? c?.text },
    });
  }
}

function isOutcome(v: unknown): v is RunOutcome {
  return typeof v === 'object' && v !== null && 'stopReason' in v && 'text' in v && !(v instanceof Error);
}

function preview(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > 80 ? `“${oneLine.slice(0, 80)}…”` : `“${oneLine}”`;
}
