import type { ModelStreamPart } from './lmMessages';
import { ModelRunError, type ModelRunRequest, type ModelRunner, type ToolUse } from './runner';
import { estimateTokens, StreamLimiter, tokensForLength, type TokenCounter } from './streamLimiter';

/** What the person sees while a completion streams. */
export interface RunProgress {
  text: string;
  toolUses: readonly ToolUse[];
}

/** How a model run ended. */
export interface RunOutcome {
  text: string;
  toolUses: ToolUse[];
  /** `endTurn`, `stopSequence`, `maxTokens` or `toolUse` (set by the limiter). */
  stopReason: string;
  /** True when `signal` ended the run early (Stop, reject, cancellation). */
  aborted: boolean;
  inputTokens: number;
  outputTokens: number;
}

/** Limits the host enforces on the stream, since `vscode.lm` ignores them. */
export interface RunLimits {
  maxTokens: number;
  stopSequences?: readonly string[];
}

const COUNT_TIMEOUT_MS = 2000;
const MIN_CALIBRATION_CHARS = 200;
/** Why a run's provider signal ends. A constant: an abort without a reason builds a DOMException with a stack trace on every run. */
const RUN_OVER = new Error('The model run is over');

/** A model run under way: its outcome, and the one way to stop it early. */
export interface ModelRun {
  readonly done: Promise<RunOutcome>;
  /** Stops the run (Stop, reject, cancellation): the provider's signal aborts with `reason`; the outcome says `aborted`. */
  stop(reason?: unknown): void;
}

/**
 * Runs one model request: streams it through a {@link StreamLimiter}
 * (`maxTokens`, `stopSequences`), reports progress, and stops reading (which
 * cancels the request) when a limit is hit or `signal` aborts. Failures of
 * the model become {@link ModelRunError}s; an abort is not a failure.
 * (The session uses {@link startModelRun}, which needs no signal of the caller.)
 */
export async function runModel(runner: ModelRunner, request: ModelRunRequest, limits: RunLimits, signal: AbortSignal, onProgress: (p: RunProgress) => void): Promise<RunOutcome> {
  const run = startModelRun(runner, request, limits, onProgress);
  const stop = () => run.stop(signal.reason);
  if (signal.aborted) stop();
  else signal.addEventListener('abort', stop, { once: true });
  try {
    return await run.done;
  } finally {
    signal.removeEventListener('abort', stop);
  }
}

/**
 * Starts one model run (see {@link runModel}), with one AbortController: the
 * provider's signal, aborted by {@link ModelRun.stop} or by a limit.
 *
 * Tokens are counted with a local estimate. The provider's tokenizer (a hop
 * to the model provider) is asked only near the limit: once the text could
 * hold `maxTokens` tokens at all, i.e. once it is longer than `maxTokens`
 * characters (a calibrated count is never above one token per character).
 */
export function startModelRun(runner: ModelRunner, request: ModelRunRequest, limits: RunLimits, onProgress: (p: RunProgress) => void): ModelRun {
  const run = new Run(runner, request, limits, onProgress);
  return { done: run.done, stop: (reason) => run.stop(reason) };
}

/** What a wait for the next part resolves with when the run was stopped meanwhile. */
const STOPPED = Symbol('stopped');

/**
 * One model run: the provider's AbortController, and the one wait in
 * progress, which `stop` ends at once (a provider that ignores cancellation
 * cannot keep Stop waiting) without a listener on the signal.
 */
class Run {
  readonly done: Promise<RunOutcome>;
  private readonly provider = new AbortController();
  private stopped = false;
  /** Ends the wait for the next part in progress, if any. */
  private wake: ((value: typeof STOPPED) => void) | undefined;

  constructor(
    private readonly runner: ModelRunner,
    private readonly request: ModelRunRequest,
    private readonly limits: RunLimits,
    private readonly onProgress: (p: RunProgress) => void,
  ) {
    this.done = this.run();
  }

  stop(reason?: unknown): void {
    if (this.stopped || this.provider.signal.aborted) return;
    this.stopped = true;
    this.provider.abort(reason);
    this.wake?.(STOPPED);
  }

  /** The iterator's next part, or STOPPED as soon as the run is stopped. */
  private next<T>(it: AsyncIterator<T>): Promise<IteratorResult<T> | typeof STOPPED> {
    const next = it.next();
    return new Promise((resolve, reject) => {
      this.wake = resolve;
      // A late rejection after a stop is expected: it lands on a settled promise.
      next.then(resolve, reject);
    });
  }

  private async run(): Promise<RunOutcome> {
    const { runner, request, limits, provider, onProgress } = this;
    let counter: TokenCounter = estimateTokens;
    let inputTokens: number | undefined;
    const limiter = new StreamLimiter({ maxTokens: limits.maxTokens, stopSequences: limits.stopSequences, countTokens: (t) => counter(t) });
    const signal = provider.signal;
    let text = '';
    const toolUses: ToolUse[] = [];
    let it: AsyncIterator<ModelStreamPart> | undefined;
    let finished = false;
    try {
      it = runner.stream(request, signal)[Symbol.asyncIterator]();
      while (!signal.aborted) {
        const r = await this.next(it);
        if (r === STOPPED) break;
        if (r.done) {
          finished = true;
          break;
        }
        const part = r.value;
        if (part.type === 'text') {
          if (inputTokens === undefined && runner.countTokens && text.length + limiter.heldLength + part.text.length > limits.maxTokens) {
            ({ counter, inputTokens } = await calibrate(runner, request.modelId, promptText(request)));
            if (signal.aborted) break;
          }
          const pushed = limiter.push(part.text);
          text += pushed.emit;
          if (pushed.emit) onProgress({ text, toolUses });
          if (pushed.done) break;
        } else {
          limiter.markToolUse();
          toolUses.push({ id: part.callId, name: part.name, input: part.input });
          onProgress({ text, toolUses });
        }
      }
    } catch (err) {
      if (!this.stopped) throw err instanceof ModelRunError ? err : new ModelRunError('Unknown', describe(err));
    } finally {
      this.wake = undefined;
      if (it && !finished) closeQuietly(it);
      // A run that is over never needs its provider again: a limit that ended the text early stops it now. A
      // stream that ended by itself has nothing left to cancel; its signal is aborted all the same, but after
      // the answer went out (an abort dispatches an Event, which cost as much as the rest of a short run).
      if (!signal.aborted) {
        if (finished) abortLater(provider);
        else provider.abort(RUN_OVER);
      }
    }
    const aborted = this.stopped;
    if (!limiter.done && !aborted) {
      const tail = limiter.finish().emit;
      text += tail;
      if (tail) onProgress({ text, toolUses });
    }
    return { text, toolUses, stopReason: limiter.stopReason, aborted, inputTokens: inputTokens ?? tokensForLength(promptLength(request)), outputTokens: counter(text) };
  }
}

/** Aborts `provider` (with {@link RUN_OVER}) once the current turn's work is done. */
function abortLater(provider: AbortController): void {
  setImmediate(() => {
    if (!provider.signal.aborted) provider.abort(RUN_OVER);
  });
}

/** Tells a stream left early that it is no longer read (its return may throw or reject: nothing to do then). */
function closeQuietly(it: AsyncIterator<unknown>): void {
  try {
    void Promise.resolve(it.return?.()).catch(() => undefined);
  } catch {
    // The provider's iterator may throw on return; nothing to do.
  }
}

/** The prompt's text parts, as the model reads them. */
function promptText(request: ModelRunRequest): string {
  return request.messages.flatMap((m) => m.parts.map((p) => (p.type === 'text' ? p.text : ''))).join('\n');
}

/** `promptText(request).length` without building the text (the estimate of every run needs only that). */
function promptLength(request: ModelRunRequest): number {
  let length = 0;
  let parts = 0;
  for (const m of request.messages) {
    for (const p of m.parts) {
      if (p.type === 'text') length += p.text.length;
      parts++;
    }
  }
  return parts > 0 ? length + parts - 1 : 0;
}

/**
 * A token counter for the output: the model's own tokenizer is async and too
 * slow to call per chunk, so it is asked once for the prompt and its
 * characters-per-token ratio is used for the stream; without it, the
 * four-characters estimate.
 */
async function calibrate(runner: ModelRunner, modelId: string, promptText: string): Promise<{ counter: TokenCounter; inputTokens: number }> {
  const fallback = { counter: estimateTokens, inputTokens: estimateTokens(promptText) };
  if (!runner.countTokens || promptText.length === 0) return fallback;
  try {
    const tokens = await withTimeout(runner.countTokens(modelId, promptText), COUNT_TIMEOUT_MS);
    if (!Number.isFinite(tokens) || tokens <= 0) return fallback;
    if (promptText.length < MIN_CALIBRATION_CHARS) return { counter: estimateTokens, inputTokens: tokens };
    const ratio = Math.min(8, Math.max(1, promptText.length / tokens));
    return { counter: (t) => Math.ceil(t.length / ratio), inputTokens: tokens };
  } catch {
    return fallback;
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timed out')), ms);
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
