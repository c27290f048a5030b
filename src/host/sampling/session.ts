import { applyCompletionDelta, CARD_TEXT_CAP, type CompletionDelta, type PromptEdits, type SamplingAction, type SamplingCard } from '../../shared/samplingProtocol';
import { HostError } from '../errors';
import { originOf } from '../requests/origin';
import type { ReviewAbortedError, ReviewHandle, Settle } from '../requests/broker';
import type { SamplingResult, ServerRequestContext } from '../types';
import type { AuditDetails } from '../audit';
import { fullTextOf, textView } from './cardBuilder';
import { applyEdits } from './edits';
import { toLmMessages } from './lmMessages';
import { preselectModel, type ModelInfo } from './modelSelection';
import { startModelRun, type RunOutcome, type RunProgress } from './modelRun';
import { buildSamplingResult, ModelRunError, type ModelRunRequest } from './runner';
import { initialCard, modelOptions, type SessionDeps, type SessionSetup } from './sessionSupport';
import type { SamplingRequest } from './validation';

/** The stop reason sent when the person pressed Stop and then sent the partial text. */
export const STOPPED_BY_USER = 'stoppedByUser';

interface ActiveRun {
  id: number;
  /** Stops the model run (set as it starts; a stop asked for before is applied then). */
  stop(): void;
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
  private handle!: ReviewHandle<'sampling'>;
  private review!: Settle<SamplingResult>;
  private readonly card: SamplingCard;
  private models: ModelInfo[] = [];
  private selected: ModelInfo | undefined;
  private preselectedId: string | undefined;
  private applied: { request: SamplingRequest; changed: string[] };
  private run: ActiveRun | undefined;
  private completion: Completion | undefined;
  private runCount = 0;
  private runMs = 0;
  /** What the card's completion shows so far (full length, tool calls), to stream only what is new. */
  private streamed = { length: 0, toolUses: 0 };
  private readonly openedAt: number;
  /** How the session answered, for the audit record: the result sent, or the error's message. */
  private ending: { result?: SamplingResult; error?: string } | undefined;

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

  /** Opens the card with the models listed and resolves with the answer (or rejects with the error to send). */
  start(models: ModelInfo[]): Promise<SamplingResult> {
    this.setModels(models);
    this.handle = this.deps.broker.open('sampling', this.ctx.server, this.snapshot(), {
      origin: originOf(this.ctx),
      signal: this.ctx.signal,
      timeoutMs: this.deps.reviewTimeoutMs(),
      audit: { requestId: this.ctx.requestId, details: () => this.auditDetails() },
    });
    const { done, settle } = this.handle.wait<SamplingResult>({ onAction: (a) => this.onAction(a), onAbort: (reason) => this.onAborted(reason) });
    this.review = settle;
    if (!this.setup.decision.reviewPrompt) this.startRun(this.selected);
    return done;
  }

  /** Ends the request because sampling was paused for all servers. */
  pauseReject(reason: string): void {
    this.fail(HostError.denied(reason), 'paused', reason);
  }

  private get settled(): boolean {
    return this.review.settled;
  }

  private onAction(action: SamplingAction): void {
    switch (action.type) {
      case 'run':
        return this.onRun(action.modelId, action.edits);
      case 'stop':
        if (this.run) {
          this.run.stoppedByUser = true;
          this.run.stop();
        }
        return;
      case 'send':
        return this.onSend(action.completion);
      case 'reject':
        return this.fail(HostError.userRejected(), 'rejected', 'Rejected by you');
      case 'returnError':
        if (this.card.phase === 'error' || !this.selected) this.fail(HostError.unavailable(this.card.error ?? this.card.modelReason), 'error', this.card.error ?? this.card.modelReason);
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
    let stopAsked = false;
    const run: ActiveRun = { id: ++this.runCount, stop: () => void (stopAsked = true), stoppedByUser: false, model, startedAt: this.deps.clock.now() };
    this.run = run;
    this.completion = undefined;
    const request = this.modelRequest(model);
    Object.assign(this.card, { phase: 'running', error: undefined, modelId: model.id, edits: this.editList() });
    this.card.completion = { runId: run.id, text: textView(''), toolUses: [], streaming: true, modelId: model.id, modelLabel: model.name, outputTokens: 0 };
    this.streamed = { length: 0, toolUses: 0 };
    const views = this.applyViews();
    this.push('phase', 'error', 'modelId', 'edits', 'completion', 'notices', 'maxTokens', ...views);
    const limits = { maxTokens: this.applied.request.maxTokens, stopSequences: this.applied.request.stopSequences };
    const modelRun = startModelRun(this.deps.runner, request, limits, (p) => {
      if (this.run !== run || !this.card.completion) return;
      this.streamProgress(run.id, this.card.completion, p.text, p.toolUses);
    });
    run.stop = () => modelRun.stop();
    if (stopAsked) modelRun.stop();
    modelRun.done.then(
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
      if (this.card.completion) this.card.completion = { ...this.card.completion, streaming: false };
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
    this.push('phase', 'completion');
  }

  /** A run could not start or failed: on the card when someone reviews, else straight to the server. */
  private runFailed(message: string): void {
    if (this.setup.policy === 'auto') return this.fail(HostError.unavailable(`Model request failed: ${message}`), 'error', message);
    this.card.phase = 'error';
    this.card.error = message;
    this.push('phase', 'error', 'completion', 'notices');
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
    this.ending = { result };
    this.review.resolve(result, 'sent', `${summary} (${c.model.name}, ${c.stopReasonShown})`);
  }

  /** Answers with an error; `outcome` is the History line's (and, through it, the audit record's). */
  private fail(error: Error, outcome: 'rejected' | 'error' | 'paused', summary: string): void {
    if (this.settled) return;
    this.run?.stop();
    // Nobody watches an auto card: say so outside the panel (the extension throttles this).
    if (this.setup.policy === 'auto' && outcome !== 'rejected') this.deps.notify?.(this.ctx.server, summary);
    this.ending = { error: error.message };
    this.review.reject(error, outcome, summary);
  }

  /** Timeout, server cancellation or disconnect: stop everything, answer nothing more (the card stays, closed). */
  private onAborted(aborted: ReviewAbortedError): never {
    this.run?.stop();
    if (this.card.completion?.streaming) {
      this.card.completion = { ...this.card.completion, streaming: false };
      this.push('completion');
    }
    throw aborted.kind === 'timeout' ? HostError.timeout(`Sampling request not reviewed in time: ${aborted.message}`) : aborted;
  }

  private async onAlwaysAllow(): Promise<void> {
    try {
      await this.deps.alwaysAllow?.(this.ctx.server);
      this.card.alwaysAllowed = true;
      this.addNotice(`From now on, sampling requests from "${this.ctx.server}" run and are sent without review (samplingPolicy "auto"). This request still waits for you.`);
    } catch (err) {
      this.card.error = `Could not change the setting: ${err instanceof Error ? err.message : String(err)}`;
    }
    if (!this.settled) this.push('alwaysAllowed', 'notices', 'error');
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

  /** The models changed (the coordinator listed them once for every open session). */
  modelsChanged(models: ModelInfo[]): void {
    if (this.settled) return;
    this.setModels(models);
    this.push('models', 'hiddenModels', 'modelId', 'modelReason');
  }

  private showError(message: string): void {
    this.card.error = message;
    this.push('error');
  }

  private addNotice(notice: string): void {
    if (!this.card.notices.includes(notice)) this.card.notices = [...this.card.notices, notice];
  }

  private editList(): string[] {
    const model = this.selected && this.selected.id !== this.preselectedId ? ['model'] : [];
    return [...this.applied.changed, ...model];
  }

  /** Shows the applied edits on the card (marked "edited"); returns the fields that changed. */
  private applyViews(): Array<'systemPrompt' | 'messages'> {
    const req = this.applied.request;
    const changed: Array<'systemPrompt' | 'messages'> = [];
    this.card.maxTokens = { ...this.card.maxTokens, value: req.maxTokens };
    const system = this.applied.changed.includes('systemPrompt') ? textView(req.systemPrompt ?? '') : undefined;
    if (system || this.card.systemPrompt.current) {
      this.card.systemPrompt = { ...this.card.systemPrompt, current: system };
      changed.push('systemPrompt');
    }
    let messages = false;
    this.card.messages.forEach((m, i) =>
      m.blocks.forEach((b, j) => {
        if (b.kind !== 'text') return;
        const block = req.messages[i].content[j];
        const current = this.applied.changed.includes(`messages[${i}].content[${j}]`) && block.type === 'text' ? textView(block.text) : undefined;
        if (!current && !b.text.current) return;
        b.text.current = current;
        messages = true;
      }),
    );
    // Only text blocks change; the view leaves media out of updates (it was sent with the card).
    if (messages) changed.push('messages');
    return changed;
  }

  private snapshot(): SamplingCard {
    return { ...this.card };
  }

  /** Sends the named fields of the card to the views (only those). */
  private push(...keys: Array<keyof SamplingCard>): void {
    const patch: Partial<SamplingCard> = {};
    for (const key of new Set(keys)) (patch as Record<string, unknown>)[key] = this.card[key];
    this.handle.update(patch);
  }

  /**
   * Streams can deliver hundreds of chunks a second: each is sent as the text
   * it appends (the webview batches them per animation frame), never as the
   * whole card. A change that is not an append resends the completion.
   */
  private streamProgress(runId: number, completion: NonNullable<SamplingCard['completion']>, text: string, toolUses: RunProgress['toolUses']): void {
    const toolsChanged = toolUses.length !== this.streamed.toolUses;
    const views = toolsChanged ? toolUses.map((u) => ({ id: u.id, name: u.name, input: textView(JSON.stringify(u.input, null, 2)) })) : undefined;
    if (text.length < this.streamed.length) {
      this.card.completion = { ...completion, text: textView(text), toolUses: views ?? completion.toolUses };
      this.streamed = { length: text.length, toolUses: toolUses.length };
      return this.push('completion');
    }
    const shown = Math.min(this.streamed.length, CARD_TEXT_CAP);
    const delta: CompletionDelta = { runId, append: text.slice(shown, CARD_TEXT_CAP), length: text.length, ...(views && { toolUses: views }) };
    this.streamed = { length: text.length, toolUses: toolUses.length };
    // The same fold as the views' (a new completion object; the card's other fields are not copied).
    const next = { ...completion };
    if (applyCompletionDelta(next, delta)) this.card.completion = next;
    this.handle.stream(delta);
  }

  /** What this request's audit record holds besides who asked and how it ended (asked once, as it leaves the broker). */
  private auditDetails(): AuditDetails {
    const c = this.completion;
    const total = this.deps.clock.now() - this.openedAt;
    const req = this.applied.request;
    return {
      model: c?.model.id ?? this.selected?.id,
      edits: this.editList(),
      durationsMs: { review: Math.max(0, total - this.runMs), run: this.runMs },
      tokenEstimate: c ? { input: c.inputTokens, output: c.outputTokens } : undefined,
      error: this.ending?.error,
      content: { messages: req.messages, systemPrompt: req.systemPrompt, completion: this.ending?.result?.content ?? c?.text },
    };
  }

}

function isOutcome(v: unknown): v is RunOutcome {
  return typeof v === 'object' && v !== null && 'stopReason' in v && 'text' in v && !(v instanceof Error);
}

function preview(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > 80 ? `“${oneLine.slice(0, 80)}…”` : `“${oneLine}”`;
}
