import { CARD_TEXT_CAP, samplingCardNeedsAttention, type CompletionDelta, type CompletionView, type PromptEdits, type SamplingAction, type SamplingCard, type SamplingPhase } from '../../shared/samplingProtocol';
import { HostError } from '../errors';
import { originOf } from '../requests/origin';
import type { ReviewAbortedError, ReviewHandle, Settle } from '../requests/broker';
import type { SamplingResult, ServerRequestContext } from '../types';
import type { AuditDetails } from '../audit';
import { fullTextOf, requestViews, textView, type RequestViews } from './cardBuilder';
import { applyEdits } from './edits';
import { toLmMessages } from './lmMessages';
import { preselectModel, type ModelInfo } from './modelSelection';
import { startModelRun, type RunOutcome } from './modelRun';
import { buildSamplingResult, ModelRunError, type ModelRunRequest, type ToolUse } from './runner';
import { initialNotices, modelOptions, type SessionDeps, type SessionSetup } from './sessionSupport';
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

/** The completion as the card shows it (a run streaming, or its end): its view is built only for a card. */
interface ShownCompletion {
  runId: number;
  /** The whole text so far (the card shows it capped). */
  text: string;
  toolUses: readonly ToolUse[];
  streaming: boolean;
  stopReason?: string;
  model: ModelInfo;
  outputTokens: number;
}

/**
 * One sampling request from arrival to answer: the card, the person's
 * actions, model runs and the answer. Created by the coordinator once the
 * request passed validation, policy and budget checks.
 *
 * The session's fields are the request's state; the card is built from them
 * only when a view reads it (see `LazyCard`): a request under policy auto
 * that is answered before anyone looks never builds one, and while nobody
 * watches, a change builds no patch and a streamed chunk no delta.
 */
export class SamplingSession {
  private handle!: ReviewHandle<'sampling'>;
  private review!: Settle<SamplingResult>;
  private phase: SamplingPhase = 'review';
  private error: string | undefined;
  private notices: string[];
  private alwaysAllowed: true | undefined;
  /** The card's static part (the request as sent), built with the first card. */
  private views: RequestViews | undefined;
  private models: ModelInfo[] = [];
  private hiddenModels = 0;
  private modelReason = '';
  private selected: ModelInfo | undefined;
  private preselectedId: string | undefined;
  private applied: { request: SamplingRequest; changed: string[] };
  /** What the card lists as edits (set as each run starts). */
  private edits: string[] = [];
  private run: ActiveRun | undefined;
  private completion: Completion | undefined;
  private shown: ShownCompletion | undefined;
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
    this.notices = initialNotices(original, setup);
  }

  /** Opens the card with the models listed and resolves with the answer (or rejects with the error to send). */
  start(models: ModelInfo[]): Promise<SamplingResult> {
    this.setModels(models);
    this.handle = this.deps.broker.open('sampling', this.ctx.server, this, {
      origin: originOf(this.ctx),
      signal: this.ctx.signals ?? this.ctx.signal,
      timeoutMs: this.deps.reviewTimeoutMs(),
      audit: { requestId: this.ctx.requestId, details: (endedAt) => this.auditDetails(endedAt) },
    });
    const { done, settle } = this.handle.wait<SamplingResult>({ onAction: (a) => this.onAction(a), onAbort: (reason) => this.onAborted(reason) });
    this.review = settle;
    if (!this.setup.decision.reviewPrompt) this.startRun(this.selected, []);
    return done;
  }

  /** The card as it is now (`LazyCard.build`: called once, when a view first reads it). */
  build(): SamplingCard {
    const views = this.requestViews();
    const card: SamplingCard = {
      phase: this.phase,
      policy: this.setup.policy,
      messages: this.messageViews(),
      systemPrompt: this.systemPromptView(),
      maxTokens: this.maxTokensView(),
      includeContext: views.includeContext,
      temperature: views.temperature,
      stopSequences: views.stopSequences,
      modelPreferences: views.modelPreferences,
      metadata: views.metadata,
      tools: views.tools,
      toolChoice: views.toolChoice,
      models: this.modelOptions(),
      modelId: this.selected?.id,
      modelReason: this.modelReason,
      hiddenModels: this.hiddenModels,
      notices: this.notices,
      edits: this.edits,
    };
    const completion = this.completionView();
    if (completion) card.completion = completion;
    if (this.error !== undefined) card.error = this.error;
    if (this.alwaysAllowed) card.alwaysAllowed = true;
    // From now on the card shows the completion as it is: stream only what comes after.
    this.streamed = { length: this.shown?.text.length ?? 0, toolUses: this.shown?.toolUses.length ?? 0 };
    return card;
  }

  /** `LazyCard.needsAttention`: the card's own rule, on the session's state. */
  needsAttention(): boolean {
    return samplingCardNeedsAttention({ policy: this.setup.policy, phase: this.phase });
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
        if (this.phase === 'error' || !this.selected) this.fail(HostError.unavailable(this.error ?? this.modelReason), 'error', this.error ?? this.modelReason);
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
    const before = this.applied.changed;
    this.applied = { request: result.request, changed: result.changed };
    if (result.clampedTo !== undefined) this.addNotice(`maxTokens was lowered to ${result.clampedTo}, this server's ceiling.`);
    this.selected = model;
    this.startRun(model, before);
  }

  /** Runs the model on the request as applied; `before`: the edits of the previous run (their views are cleared). */
  private startRun(model: ModelInfo | undefined, before: readonly string[]): void {
    if (!model) return this.runFailed(this.modelReason);
    let stopAsked = false;
    const run: ActiveRun = { id: ++this.runCount, stop: () => void (stopAsked = true), stoppedByUser: false, model, startedAt: this.deps.clock.now() };
    this.run = run;
    this.completion = undefined;
    const request = this.modelRequest(model);
    this.phase = 'running';
    this.error = undefined;
    this.edits = this.editList();
    this.shown = { runId: run.id, text: '', toolUses: [], streaming: true, model, outputTokens: 0 };
    this.streamed = { length: 0, toolUses: 0 };
    if (this.handle.watched) this.push('phase', 'error', 'modelId', 'edits', 'completion', 'notices', 'maxTokens', ...editedViews(before, this.applied.changed));
    else this.handle.update();
    const limits = { maxTokens: this.applied.request.maxTokens, stopSequences: this.applied.request.stopSequences };
    const modelRun = startModelRun(this.deps.runner, request, limits, (p) => {
      const shown = this.shown;
      if (this.run !== run || !shown) return;
      this.streamProgress(shown, p.text, p.toolUses);
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
      if (this.shown) this.shown = { ...this.shown, streaming: false };
      return this.runFailed(message);
    }
    const stopReasonShown = run.stoppedByUser ? STOPPED_BY_USER : outcome.stopReason;
    this.completion = { ...outcome, model: run.model, stopReasonShown };
    this.phase = 'completed';
    this.shown = { runId: run.id, text: outcome.text, toolUses: outcome.toolUses, streaming: false, stopReason: stopReasonShown, model: run.model, outputTokens: outcome.outputTokens };
    // A Stop is the person stepping in: the partial answer is theirs to review, whatever the policy.
    if (!this.setup.decision.reviewCompletion && !run.stoppedByUser) return this.onSend(undefined);
    this.push('phase', 'completion');
  }

  /** A run could not start or failed: on the card when someone reviews, else straight to the server. */
  private runFailed(message: string): void {
    if (this.setup.policy === 'auto') return this.fail(HostError.unavailable(`Model request failed: ${message}`), 'error', message);
    this.phase = 'error';
    this.error = message;
    this.push('phase', 'error', 'completion', 'notices');
  }

  private onSend(edited: string | undefined): void {
    const c = this.completion;
    if (!c || this.phase !== 'completed') return;
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
    if (this.shown?.streaming) {
      this.shown = { ...this.shown, streaming: false };
      this.push('completion');
    }
    throw aborted.kind === 'timeout' ? HostError.timeout(`Sampling request not reviewed in time: ${aborted.message}`) : aborted;
  }

  private async onAlwaysAllow(): Promise<void> {
    try {
      await this.deps.alwaysAllow?.(this.ctx.server);
      this.alwaysAllowed = true;
      this.addNotice(`From now on, sampling requests from "${this.ctx.server}" run and are sent without review (samplingPolicy "auto"). This request still waits for you.`);
    } catch (err) {
      this.error = `Could not change the setting: ${err instanceof Error ? err.message : String(err)}`;
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
    this.hiddenModels = models.length - this.models.length;
    const keep = this.selected && this.models.find((m) => m.id === this.selected?.id);
    this.selected = keep ?? pick.model;
    if (!keep) {
      this.preselectedId = pick.model?.id;
      this.modelReason = pick.reason;
    }
  }

  /** The models changed (the coordinator listed them once for every open session). */
  modelsChanged(models: ModelInfo[]): void {
    if (this.settled) return;
    this.setModels(models);
    this.push('models', 'hiddenModels', 'modelId', 'modelReason');
  }

  private showError(message: string): void {
    this.error = message;
    this.push('error');
  }

  private addNotice(notice: string): void {
    if (!this.notices.includes(notice)) this.notices = [...this.notices, notice];
  }

  private editList(): string[] {
    const model = this.selected && this.selected.id !== this.preselectedId ? ['model'] : [];
    return [...this.applied.changed, ...model];
  }

  private requestViews(): RequestViews {
    return (this.views ??= requestViews(this.original));
  }

  /** The conversation as sent, each text block the person edited showing the edit as applied. */
  private messageViews(): SamplingCard['messages'] {
    const messages = this.requestViews().messages;
    const changed = this.applied.changed;
    if (!changed.some((key) => key.startsWith('messages['))) return messages;
    const req = this.applied.request;
    return messages.map((m, i) => ({
      ...m,
      blocks: m.blocks.map((b, j) => {
        const block = req.messages[i].content[j];
        if (b.kind !== 'text' || block.type !== 'text' || !changed.includes(`messages[${i}].content[${j}]`)) return b;
        return { ...b, text: { ...b.text, current: textView(block.text) } };
      }),
    }));
  }

  private systemPromptView(): SamplingCard['systemPrompt'] {
    const req = this.applied.request;
    const current = this.applied.changed.includes('systemPrompt') ? textView(req.systemPrompt ?? '') : undefined;
    return { original: this.requestViews().systemPrompt, present: this.original.systemPrompt !== undefined, ...(current && { current }) };
  }

  private maxTokensView(): SamplingCard['maxTokens'] {
    return { requested: this.original.maxTokens, ceiling: this.setup.ceiling, value: this.applied.request.maxTokens, clamped: this.setup.clamped };
  }

  private modelOptions(): SamplingCard['models'] {
    return this.models.map((m) => ({ id: m.id, label: m.name, detail: `${m.vendor} / ${m.family} ${m.version}`.trim() }));
  }

  private completionView(): CompletionView | undefined {
    const c = this.shown;
    if (!c) return undefined;
    const view: CompletionView = { runId: c.runId, text: textView(c.text), toolUses: toolUseViews(c.toolUses), streaming: c.streaming, modelId: c.model.id, modelLabel: c.model.name, outputTokens: c.outputTokens };
    if (c.stopReason !== undefined) view.stopReason = c.stopReason;
    return view;
  }

  /** One field of the card, as it is now. */
  private field(key: keyof SamplingCard): unknown {
    switch (key) {
      case 'phase':
        return this.phase;
      case 'policy':
        return this.setup.policy;
      case 'messages':
        return this.messageViews();
      case 'systemPrompt':
        return this.systemPromptView();
      case 'maxTokens':
        return this.maxTokensView();
      case 'models':
        return this.modelOptions();
      case 'modelId':
        return this.selected?.id;
      case 'modelReason':
        return this.modelReason;
      case 'hiddenModels':
        return this.hiddenModels;
      case 'completion':
        return this.completionView();
      case 'error':
        return this.error;
      case 'notices':
        return this.notices;
      case 'edits':
        return this.edits;
      case 'alwaysAllowed':
        return this.alwaysAllowed;
      case 'includeContext':
      case 'temperature':
      case 'stopSequences':
      case 'modelPreferences':
      case 'metadata':
      case 'tools':
      case 'toolChoice':
        return this.requestViews()[key];
    }
  }

  /**
   * Sends the named fields of the card to the views (only those) when a view
   * has the card; before that there is nothing to patch (the card, once read,
   * is built as it is then): the views only hear that the request changed.
   */
  private push(...keys: Array<keyof SamplingCard>): void {
    if (!this.handle.watched) return this.handle.update();
    const patch: Partial<SamplingCard> = {};
    for (const key of new Set(keys)) (patch as Record<string, unknown>)[key] = this.field(key);
    this.handle.update(patch);
  }

  /**
   * Streams can deliver hundreds of chunks a second: each is sent as the text
   * it appends (the webview batches them per animation frame), never as the
   * whole card; nothing at all while no view has the card. A change that is
   * not an append resends the completion.
   */
  private streamProgress(shown: ShownCompletion, text: string, toolUses: readonly ToolUse[]): void {
    const toolsChanged = toolUses.length !== shown.toolUses.length;
    // The run's own array grows in place: keep a copy of the calls shown so far.
    this.shown = { ...shown, text, toolUses: toolsChanged ? [...toolUses] : shown.toolUses };
    if (!this.handle.watched) return;
    if (text.length < this.streamed.length) {
      this.streamed = { length: text.length, toolUses: toolUses.length };
      return this.push('completion');
    }
    const shownLength = Math.min(this.streamed.length, CARD_TEXT_CAP);
    const views = toolUses.length !== this.streamed.toolUses ? toolUseViews(toolUses) : undefined;
    const delta: CompletionDelta = { runId: shown.runId, append: text.slice(shownLength, CARD_TEXT_CAP), length: text.length, ...(views && { toolUses: views }) };
    this.streamed = { length: text.length, toolUses: toolUses.length };
    this.handle.stream(delta);
  }

  /** What this request's audit record holds besides who asked and how it ended (asked once, when the record is written). */
  private auditDetails(endedAt: number): AuditDetails {
    const c = this.completion;
    const total = endedAt - this.openedAt;
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

/** Which edited views a run changes on the card: those edited now, and those edited for the run before (cleared). */
function editedViews(before: readonly string[], now: readonly string[]): Array<'systemPrompt' | 'messages'> {
  const views: Array<'systemPrompt' | 'messages'> = [];
  if (before.includes('systemPrompt') || now.includes('systemPrompt')) views.push('systemPrompt');
  if (before.some(isMessageEdit) || now.some(isMessageEdit)) views.push('messages');
  return views;
}

function isMessageEdit(key: string): boolean {
  return key.startsWith('messages[');
}

function toolUseViews(toolUses: readonly ToolUse[]): CompletionView['toolUses'] {
  return toolUses.map((u) => ({ id: u.id, name: u.name, input: textView(JSON.stringify(u.input, null, 2)) }));
}

function isOutcome(v: unknown): v is RunOutcome {
  return typeof v === 'object' && v !== null && 'stopReason' in v && 'text' in v && !(v instanceof Error);
}

function preview(text: string): string {
  // Only the first 80 characters show: collapse the head of a long text, all of it only if the head was mostly blank.
  const head = text.length > 1000 ? text.slice(0, 1000) : text;
  let oneLine = head.replace(/\s+/g, ' ').trim();
  if (oneLine.length <= 81 && head !== text) oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > 80 ? `“${oneLine.slice(0, 80)}…”` : `“${oneLine}”`;
}
