/** Why a completion ended, as reported in `CreateMessageResult.stopReason`. */
export type StopReason = 'endTurn' | 'stopSequence' | 'maxTokens' | 'toolUse';

/**
 * Counts tokens in a text; must be synchronous and monotonic in prefix length.
 * It is called with the whole emitted text so far (plus the new part), so it should be cheap.
 */
export type TokenCounter = (text: string) => number;

/** Default token estimate when no tokenizer is at hand: one token per 4 characters, rounded up. */
export const estimateTokens: TokenCounter = (text) => tokensForLength(text.length);

/** {@link estimateTokens} of a text of `length` characters. */
export function tokensForLength(length: number): number {
  return Math.ceil(length / 4);
}

/** Options of {@link StreamLimiter}. */
export interface StreamLimiterOptions {
  /** Strings that end the completion; they are not part of the output. Empty strings are ignored. */
  stopSequences?: readonly string[];
  /** Token ceiling for the emitted text; absent means no limit. */
  maxTokens?: number;
  /** Token counter; defaults to {@link estimateTokens}. */
  countTokens?: TokenCounter;
}

/**
 * Enforces `stopSequences` and `maxTokens` on a streamed completion, since
 * `vscode.lm` honours neither. Feed text chunks to {@link push}; emit what it
 * returns; stop reading (and cancel the request) once `done` is true; call
 * {@link finish} when the stream ends to flush text held back because it could
 * still have been the start of a stop sequence.
 */
export class StreamLimiter {
  private readonly stops: readonly string[];
  private readonly maxTokens: number | undefined;
  private readonly count: TokenCounter;
  private held = '';
  private emitted = '';
  private stopped: 'stopSequence' | 'maxTokens' | undefined;
  private sawToolCall = false;

  constructor(options: StreamLimiterOptions = {}) {
    this.stops = (options.stopSequences ?? []).filter((s) => s.length > 0);
    this.maxTokens = options.maxTokens;
    this.count = options.countTokens ?? estimateTokens;
  }

  /** True once a stop sequence or the token limit ended the completion. */
  get done(): boolean {
    return this.stopped !== undefined;
  }

  /** Characters held back because they could start a stop sequence. */
  get heldLength(): number {
    return this.held.length;
  }

  /** Everything emitted so far. */
  get text(): string {
    return this.emitted;
  }

  /** The stop reason so far: `stopSequence`/`maxTokens` once hit, else `toolUse` if a tool call arrived, else `endTurn`. */
  get stopReason(): StopReason {
    return this.stopped ?? (this.sawToolCall ? 'toolUse' : 'endTurn');
  }

  /** Records that the model called a tool; the stop reason becomes `toolUse` unless a limit already ended the text. */
  markToolUse(): void {
    this.sawToolCall = true;
  }

  /** Consumes one chunk; returns the text that is now safe to show and whether the completion is over. */
  push(chunk: string): { emit: string; done: boolean } {
    if (this.stopped) return { emit: '', done: true };
    const buffer = this.held + chunk;
    const match = this.findStop(buffer);
    let candidate: string;
    if (match >= 0) {
      candidate = buffer.slice(0, match);
      this.held = '';
    } else {
      const keep = this.heldSuffixLength(buffer);
      candidate = buffer.slice(0, buffer.length - keep);
      this.held = buffer.slice(buffer.length - keep);
    }
    const emit = this.fit(candidate);
    if (!this.stopped && match >= 0) this.stopped = 'stopSequence';
    return { emit, done: this.done };
  }

  /** Flushes the held-back tail at the end of the stream (still subject to `maxTokens`). */
  finish(): { emit: string } {
    if (this.stopped) return { emit: '' };
    const tail = this.held;
    this.held = '';
    return { emit: this.fit(tail) };
  }

  /** Earliest index where any stop sequence starts in `buffer`, or -1. */
  private findStop(buffer: string): number {
    let best = -1;
    for (const stop of this.stops) {
      const at = buffer.indexOf(stop);
      if (at >= 0 && (best < 0 || at < best)) best = at;
    }
    return best;
  }

  /** Length of the longest suffix of `buffer` that is a proper prefix of some stop sequence. */
  private heldSuffixLength(buffer: string): number {
    let longest = 0;
    for (const stop of this.stops) {
      const max = Math.min(stop.length - 1, buffer.length);
      for (let len = max; len > longest; len--) {
        if (buffer.endsWith(stop.slice(0, len))) {
          longest = len;
          break;
        }
      }
    }
    return longest;
  }

  /** Emits as much of `candidate` as fits under `maxTokens`; marks `maxTokens` when it had to cut. */
  private fit(candidate: string): string {
    if (this.maxTokens === undefined || this.count(this.emitted + candidate) <= this.maxTokens) {
      this.emitted += candidate;
      return candidate;
    }
    const keep = this.longestFittingPrefix(candidate, this.maxTokens);
    const emit = candidate.slice(0, keep);
    this.emitted += emit;
    this.stopped = 'maxTokens';
    return emit;
  }

  // Binary search over prefix lengths; relies on the counter being monotonic.
  private longestFittingPrefix(candidate: string, limit: number): number {
    let lo = 0;
    let hi = candidate.length - 1; // the whole candidate is known not to fit
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (this.count(this.emitted + candidate.slice(0, mid)) <= limit) lo = mid;
      else hi = mid - 1;
    }
    // Never split a surrogate pair.
    if (lo > 0 && isHighSurrogate(candidate.charCodeAt(lo - 1))) lo--;
    return lo;
  }
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
