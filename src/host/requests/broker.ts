import { randomBytes } from 'node:crypto';
import { isActionOf, REVIEW_KINDS, type ActionOf, type CardOf, type ClosedReason, type DeltaOf, type ReviewAction, type ReviewKind, type ReviewKindSpec } from '../../shared/protocol';
import type { AuditOptions } from '../audit';
import { Disposable, type IDisposable } from '../disposable';
import { Emitter } from '../events';
import { isConnectionGone } from '../errors';
import type { Clock } from '../types';

export type { ReviewKind } from '../../shared/protocol';

/** Why a review ended without the person answering it. */
export type AbortKind = ClosedReason['kind'];

/** An error carrying why a review was aborted; the handle's signal reason. */
export class ReviewAbortedError extends Error {
  constructor(
    readonly kind: AbortKind,
    message: string,
  ) {
    super(message);
    this.name = 'ReviewAbortedError';
  }
}

/** One finished request, for the History section. */
export interface FinishedRequest {
  id: string;
  kind: ReviewKind;
  server: string;
  outcome: string;
  summary: string;
  at: number;
}

/** The server's self-reported name and the tool call that led to a request. */
export interface RequestOrigin {
  reportedName?: string;
  toolCall?: { name: string; arguments?: string; ambiguous?: boolean; via?: { kind: 'chat'; conversationId?: string } };
}

interface EntryOf<K extends ReviewKind> {
  readonly id: string;
  readonly kind: K;
  readonly server: string;
  readonly createdAt: number;
  /** Milliseconds since the epoch when the review times out, if it does. */
  readonly deadline?: number;
  /**
   * The kind's view data, built when first read (a request nobody looks at
   * never builds one); replaced (never mutated) on every update after that.
   */
  readonly card: CardOf<K>;
  /** Whether the request needs the person now (see {@link LazyCard.needsAttention}); never builds the card. */
  needsAttention(): boolean;
  /** Who asks and why, for the card header. */
  readonly origin: RequestOrigin;
  /** Set when the request ended without an answer from the person; the card stays until dismissed. */
  readonly closed?: ClosedReason;
}

/** A pending request as the broker stores it: a union by kind, so `entry.kind === 'sampling'` narrows `entry.card`. */
export type BrokerEntry<K extends ReviewKind = ReviewKind> = { [P in K]: EntryOf<P> }[K];

/** One change to an entry, for views that send deltas. */
export type BrokerChange =
  | { type: 'added'; entry: BrokerEntry }
  /** `patch` holds the changed card fields (possibly `undefined`: cleared); `closed` is set when the review was aborted. */
  | { [K in ReviewKind]: { type: 'updated'; entry: BrokerEntry<K>; patch?: Partial<CardOf<K>>; closed?: ClosedReason } }[ReviewKind]
  | { [K in ReviewKind]: { type: 'streamed'; entry: BrokerEntry<K>; delta: DeltaOf<K> } }[ReviewKind]
  | { type: 'removed'; entry: BrokerEntry }
  | { type: 'history' };

/** How a review ends: `resolve` or `reject` with what the server gets, plus the History line. */
export interface Settle<R> {
  resolve(result: R, outcome: string, summary: string): void;
  reject(error: unknown, outcome: string, summary: string): void;
  /** True once answered or aborted. */
  readonly settled: boolean;
}

/** What {@link ReviewHandle.wait} does with the person's actions and with an abort. */
export interface WaitHandlers<K extends ReviewKind, R> {
  /** Called for each action until the review is settled. */
  onAction(action: ActionOf<K>, settle: Settle<R>): void;
  /**
   * The review was aborted (timeout, server cancellation, disconnect): return
   * the answer to resolve with, or throw the error to reject with. Default:
   * reject with the `ReviewAbortedError`.
   */
  onAbort?(reason: ReviewAbortedError): R;
}

/** A coordinator's grip on one pending request. */
export interface ReviewHandle<K extends ReviewKind> {
  readonly id: string;
  /** Aborted (with a `ReviewAbortedError`) on timeout, server cancellation or disconnect. */
  readonly signal: AbortSignal;
  readonly entry: BrokerEntry<K>;
  /**
   * True once the card exists (someone read `entry.card`: a view shows it, or
   * it was opened with a whole card): only then do updates and deltas need
   * building. Before that the card, whenever it is read, is built as it is then.
   */
  readonly watched: boolean;
  /**
   * Changes some card fields and tells the views (only those fields travel).
   * Without a patch (a card not built yet): tells the views that the request
   * changed (its need for attention may have), with nothing to send.
   */
  update(patch?: Partial<CardOf<K>>): void;
  /** Streams a delta (appended text) to the views; the card is updated with it too. */
  stream(delta: DeltaOf<K>): void;
  /**
   * The one settle-once loop: routes actions to `handlers.onAction` until
   * `settle` resolves or rejects (the card then leaves, with a History line),
   * and maps an abort through `handlers.onAbort`. `settle` also lets the owner
   * answer on its own (a model run ending, a pause). Call once per handle.
   */
  wait<R>(handlers: WaitHandlers<K, R>): { done: Promise<R>; settle: Settle<R> };
  /** Receives the person's actions for this card (for owners that do not `wait`). */
  onAction(listener: (action: ActionOf<K>) => void): IDisposable;
  /** The request was answered: the card leaves and a history entry is added. */
  finish(outcome: string, summary: string): void;
}

/**
 * A card built only when something reads it, from its owner's state at that
 * moment, so a request that runs and answers before anyone looks (a sampling
 * request under policy auto) never builds one.
 */
export interface LazyCard<K extends ReviewKind> {
  build(): CardOf<K>;
  /** Whether the request needs the person now, without building the card. */
  needsAttention(): boolean;
}

/** Options for opening a review. */
export interface OpenOptions {
  origin: RequestOrigin;
  /**
   * The server's request signal: aborts on cancellation, or with
   * `ConnectionGoneError` on disconnect; or the signals it follows (see
   * `ServerRequestContext.signals`), the first to abort ending the review.
   */
  signal: AbortSignal | readonly AbortSignal[];
  /** 0 = no timeout. */
  timeoutMs: number;
  /** How the request is audited when it leaves (see `RequestAudit`); `false` for an info card that is no request. */
  audit?: AuditOptions | false;
}

/** A request that left the queue, with what its audit record needs. */
export interface FinishEvent {
  entry: BrokerEntry;
  finished: FinishedRequest;
  audit: AuditOptions | false | undefined;
}

const HISTORY_SIZE = 50;

/**
 * Holds every request waiting for the person, in arrival order, and routes
 * the person's actions to the coordinator that owns each one. The extension
 * renders `pending()` and `history()` and follows `onDidChangeEntry` for
 * deltas; it owns no state of its own.
 */
export class RequestBroker extends Disposable {
  private readonly entries = new Map<string, BrokerEntry>();
  private readonly finished: FinishedRequest[] = [];
  private readonly _onDidChange = this._register(new Emitter<void>());
  /** Fires after any change (a coarse signal for counts and tests). */
  readonly onDidChange = this._onDidChange.event;
  private readonly _onDidChangeEntry = this._register(new Emitter<BrokerChange>());
  /** Fires for each change with what changed (the Requests view sends it on as a delta). */
  readonly onDidChangeEntry = this._onDidChangeEntry.event;
  private readonly _onDidFinish = this._register(new Emitter<FinishEvent>());
  /** Fires when a request leaves the queue: answered, or ended by a timeout, the server or a disconnect. */
  readonly onDidFinish = this._onDidFinish.event;
  private readonly _onDidAdd = this._register(new Emitter<BrokerEntry>());
  /** Fires when a new request arrives (to reveal the view or notify). */
  readonly onDidAdd = this._onDidAdd.event;
  private nextId = 1;
  private open_ = 0;
  /**
   * Ids must never repeat across sessions: the webview keeps unsent drafts by card
   * id in its persisted state, and a counter that restarts with every window would
   * attach an old draft to a new, unrelated request.
   */
  private readonly idPrefix = randomBytes(6).toString('hex');

  /** Review timeouts: one timer for every open review (see {@link Deadlines}). */
  private readonly deadlines: Deadlines;
  /** What a review does to the queue it is in (one object per broker, not per request). */
  private readonly queue: ReviewQueue = {
    has: (review) => this.entries.get(review.id) === (review as unknown as BrokerEntry),
    remove: (review) => {
      this.entries.delete(review.id);
      if (!review.closed) this.open_--;
      this.deadlines.delete(review);
    },
    closed: (review) => {
      this.open_--;
      this.deadlines.delete(review);
    },
    history: (review, outcome, summary, audit) => this.addHistory(review as unknown as BrokerEntry, outcome, summary, audit),
    changed: (change) => this.changed(change),
  };

  constructor(private readonly clock: Clock) {
    super();
    this.deadlines = new Deadlines(clock);
    this._register({ dispose: () => this.deadlines.dispose() });
  }

  /** Pending and closed-but-not-dismissed requests, oldest first. */
  pending(): BrokerEntry[] {
    return [...this.entries.values()];
  }

  /** Requests still waiting for an answer. */
  get openCount(): number {
    return this.open_;
  }

  history(): FinishedRequest[] {
    return [...this.finished];
  }

  /**
   * Adds a request and returns the handle its coordinator drives. `card` is
   * the card itself, or a {@link LazyCard} built when first read.
   */
  open<K extends ReviewKind>(kind: K, server: string, card: CardOf<K> | LazyCard<K>, options: OpenOptions): ReviewHandle<K> {
    const review = new Review(this.queue, `${kind}-${this.idPrefix}-${this.nextId++}`, kind, server, this.clock.now(), card, options);
    const entry = review as unknown as BrokerEntry;
    this.entries.set(review.id, entry);
    this.open_++;
    if (review.deadline !== undefined) this.deadlines.add(review as unknown as Review<ReviewKind>);
    review.listen();
    this._onDidAdd.fire(entry);
    this.changed({ type: 'added', entry });
    return review;
  }

  /** Routes an action from the UI; returns false for unknown or closed requests, or an action of another kind. */
  dispatch(id: string, action: ReviewAction): boolean {
    const entry = this.entries.get(id);
    if (!entry || entry.closed || !isActionOf(entry.kind, action)) return false;
    return (entry as unknown as Review<ReviewKind>).dispatch(action);
  }

  /** "Reject all from this server": each open request of `server` gets its kind's reject action. Returns how many. */
  rejectAll(server: string): number {
    let n = 0;
    for (const entry of [...this.entries.values()]) {
      if (entry.server === server && this.dispatch(entry.id, REVIEW_KINDS[entry.kind].rejectAction)) n++;
    }
    return n;
  }

  /**
   * The one Dismiss: removes a closed card the person has seen; an open card
   * whose kind has a dismiss action (an info card) gets that action instead.
   */
  dismiss(id: string): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    if (entry.closed) {
      this.entries.delete(id);
      this.changed({ type: 'removed', entry });
      return;
    }
    const action = REVIEW_KINDS[entry.kind].dismissAction;
    if (action) this.dispatch(id, action);
  }

  private changed(change: BrokerChange): void {
    this._onDidChangeEntry.fire(change);
    this._onDidChange.fire();
  }

  private addHistory(entry: BrokerEntry, outcome: string, summary: string, audit: AuditOptions | false | undefined): void {
    const finished: FinishedRequest = { id: entry.id, kind: entry.kind, server: entry.server, outcome, summary, at: this.clock.now() };
    this.finished.unshift(finished);
    if (this.finished.length > HISTORY_SIZE) this.finished.length = HISTORY_SIZE;
    this._onDidFinish.fire({ entry, finished, audit });
    this._onDidChangeEntry.fire({ type: 'history' });
  }
}

/** The broker's side of a review: the queue it is in, its history and its events. */
interface ReviewQueue {
  has(review: Review<ReviewKind>): boolean;
  /** Takes the review out of the queue (counting it as answered if it was open). */
  remove(review: Review<ReviewKind>): void;
  /** The review was aborted: it stays in the queue, closed, but is no longer open. */
  closed(review: Review<ReviewKind>): void;
  history(review: Review<ReviewKind>, outcome: string, summary: string, audit: AuditOptions | false | undefined): void;
  changed(change: BrokerChange): void;
}

/** What `wait` keeps of its caller: the handlers and the promise to settle. */
interface Waiter<K extends ReviewKind> {
  handlers: WaitHandlers<K, unknown>;
  resolve(result: unknown): void;
  reject(error: Error): void;
}

/**
 * One request in the queue: the entry the views read, the handle its
 * coordinator drives and the settle-once state of its `wait`, in one object
 * (no closures per request). Listens to the server's signal as an
 * EventListener object (`handleEvent`). An AbortSignal of its own is made only
 * when someone reads `signal` (a URL opener, tests): most requests are
 * answered without an abort.
 */
class Review<K extends ReviewKind> implements EntryOf<K>, ReviewHandle<K>, Settle<unknown> {
  closed: ClosedReason | undefined;
  readonly deadline: number | undefined;
  readonly origin: RequestOrigin;
  private built: CardOf<K> | undefined;
  private readonly source: LazyCard<K> | undefined;
  private abortReason: ReviewAbortedError | undefined;
  private controller: AbortController | undefined;
  private listeners: Array<(action: ActionOf<K>) => void> | undefined;
  private waiter: Waiter<K> | undefined;
  private done = false;

  constructor(
    private readonly queue: ReviewQueue,
    readonly id: string,
    readonly kind: K,
    readonly server: string,
    readonly createdAt: number,
    card: CardOf<K> | LazyCard<K>,
    private readonly options: OpenOptions,
  ) {
    this.origin = options.origin;
    this.deadline = options.timeoutMs > 0 ? createdAt + options.timeoutMs : undefined;
    if (isLazy(card)) this.source = card;
    else this.built = card;
  }

  get card(): CardOf<K> {
    return (this.built ??= (this.source as LazyCard<K>).build());
  }

  needsAttention(): boolean {
    if (this.source) return this.source.needsAttention();
    const spec: ReviewKindSpec<K> = REVIEW_KINDS[this.kind];
    return spec.needsAttention ? spec.needsAttention(this.card) : true;
  }

  get entry(): BrokerEntry<K> {
    return this as unknown as BrokerEntry<K>;
  }

  get watched(): boolean {
    return this.built !== undefined;
  }

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.abortReason) this.controller.abort(this.abortReason);
    }
    return this.controller.signal;
  }

  /** True once answered or aborted. */
  get settled(): boolean {
    return this.done;
  }

  private get inQueue(): boolean {
    return this.queue.has(this as unknown as Review<ReviewKind>);
  }

  update(patch?: Partial<CardOf<K>>): void {
    if (!this.inQueue) return;
    if (this.built === undefined || patch === undefined) return this.queue.changed({ type: 'updated', entry: this.entry } as BrokerChange);
    this.built = { ...this.built, ...patch };
    this.queue.changed({ type: 'updated', entry: this.entry, patch } as BrokerChange);
  }

  stream(delta: DeltaOf<K>): void {
    if (this.closed || !this.inQueue) return;
    const spec: ReviewKindSpec<K> = REVIEW_KINDS[this.kind];
    if (this.built !== undefined && spec.reduceDelta) this.built = spec.reduceDelta(this.built, delta);
    this.queue.changed({ type: 'streamed', entry: this.entry, delta } as BrokerChange);
  }

  onAction(listener: (action: ActionOf<K>) => void): IDisposable {
    (this.listeners ??= []).push(listener);
    return {
      dispose: () => {
        const at = this.listeners?.indexOf(listener) ?? -1;
        if (at >= 0) this.listeners?.splice(at, 1);
      },
    };
  }

  /** An action from the UI (already checked to be of this kind); false when nobody listens. */
  dispatch(action: ReviewAction): boolean {
    const waiter = this.waiter;
    const listeners = this.listeners;
    if (!waiter && !listeners?.length) return false;
    if (waiter && !this.done) waiter.handlers.onAction(action as ActionOf<K>, this);
    if (listeners) for (const l of [...listeners]) l(action as ActionOf<K>);
    return true;
  }

  wait<R>(handlers: WaitHandlers<K, R>): { done: Promise<R>; settle: Settle<R> } {
    const done = new Promise<R>((resolve, reject) => {
      this.waiter = { handlers: handlers as WaitHandlers<K, unknown>, resolve: resolve as (r: unknown) => void, reject };
    });
    if (this.abortReason) this.aborted();
    return { done, settle: this as Settle<R> };
  }

  resolve(result: unknown, outcome: string, summary: string): void {
    if (this.done) return;
    this.done = true;
    this.finish(outcome, summary);
    this.waiter?.resolve(result);
  }

  reject(error: unknown, outcome: string, summary: string): void {
    if (this.done) return;
    this.done = true;
    this.finish(outcome, summary);
    this.waiter?.reject(error instanceof Error ? error : new Error(String(error)));
  }

  finish(outcome: string, summary: string): void {
    this.unlisten();
    if (!this.inQueue) return;
    const self = this as unknown as Review<ReviewKind>;
    this.queue.remove(self);
    this.listeners = undefined;
    this.queue.history(self, outcome, summary, this.options.audit);
    this.queue.changed({ type: 'removed', entry: this.entry as BrokerEntry });
  }

  /** The review timeout ran out. */
  timeOut(): void {
    this.abort('timeout', `No answer within ${formatDuration(this.options.timeoutMs)}`);
  }

  /** Listens to the server's signal(s) as an EventListener object (no closure); one already aborted ends the review in a microtask. */
  listen(): void {
    const signals = this.options.signal;
    for (const signal of isSignal(signals) ? [signals] : signals) {
      if (signal.aborted) return queueMicrotask(() => this.serverAborted(signal.reason));
    }
    if (isSignal(signals)) signals.addEventListener('abort', this);
    else for (const signal of signals) signal.addEventListener('abort', this);
  }

  private unlisten(): void {
    const signals = this.options.signal;
    if (isSignal(signals)) signals.removeEventListener('abort', this);
    else for (const signal of signals) signal.removeEventListener('abort', this);
  }

  /** One of the server's signals aborted. */
  handleEvent(event: Event): void {
    this.serverAborted((event.target as AbortSignal).reason);
  }

  /** Cancelled by the server, or the connection is gone. */
  private serverAborted(reason: unknown): void {
    const kind = isConnectionGone(reason) ? 'server-gone' : 'cancelled-by-server';
    this.abort(kind, kind === 'server-gone' ? 'The server stopped before this was answered' : 'Cancelled by the server');
  }

  /** Ends the review without an answer (timeout, the server): the card stays, closed, until dismissed. */
  abort(kind: AbortKind, message: string): void {
    if (this.abortReason || !this.inQueue) return;
    this.unlisten();
    this.closed = { kind, message };
    this.queue.closed(this as unknown as Review<ReviewKind>);
    this.queue.history(this as unknown as Review<ReviewKind>, kind, message, this.options.audit);
    this.listeners = undefined;
    this.abortReason = new ReviewAbortedError(kind, message);
    this.controller?.abort(this.abortReason);
    this.aborted();
    this.queue.changed({ type: 'updated', entry: this.entry, closed: this.closed } as BrokerChange);
  }

  /** Maps an abort through the waiter's `onAbort` (once, if it has not settled). */
  private aborted(): void {
    const waiter = this.waiter;
    if (!waiter || this.done) return;
    this.done = true;
    const reason = this.abortReason ?? new ReviewAbortedError('cancelled-by-server', 'Cancelled');
    try {
      if (!waiter.handlers.onAbort) throw reason;
      waiter.resolve(waiter.handlers.onAbort(reason));
    } catch (err) {
      waiter.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }
}

/**
 * The review timeouts of one broker on one timer, armed for the earliest
 * deadline: opening and answering a review add and delete a set entry
 * instead of setting and clearing a timer of its own. The timer stays armed
 * when the last review leaves (the next one usually needs it again) without
 * keeping the process running; when it fires it times out every review past
 * its deadline and re-arms for the next.
 */
class Deadlines {
  private readonly reviews = new Set<Review<ReviewKind>>();
  private timer: { at: number; handle: IDisposable } | undefined;

  constructor(private readonly clock: Clock) {}

  add(review: Review<ReviewKind>): void {
    this.reviews.add(review);
    this.armFor(review.deadline as number);
  }

  delete(review: Review<ReviewKind>): void {
    this.reviews.delete(review);
  }

  dispose(): void {
    this.timer?.handle.dispose();
    this.timer = undefined;
    this.reviews.clear();
  }

  private armFor(at: number): void {
    if (this.timer && this.timer.at <= at) return;
    this.timer?.handle.dispose();
    this.timer = { at, handle: this.clock.setTimeout(() => this.expire(), Math.max(0, at - this.clock.now()), { background: true }) };
  }

  private expire(): void {
    this.timer = undefined;
    const now = this.clock.now();
    let next: number | undefined;
    for (const review of [...this.reviews]) {
      const at = review.deadline as number;
      if (at <= now) {
        this.reviews.delete(review);
        review.timeOut();
      } else if (next === undefined || at < next) next = at;
    }
    if (next !== undefined) this.armFor(next);
  }
}

function isSignal(signals: AbortSignal | readonly AbortSignal[]): signals is AbortSignal {
  return !Array.isArray(signals);
}

function isLazy<K extends ReviewKind>(card: CardOf<K> | LazyCard<K>): card is LazyCard<K> {
  return typeof (card as Partial<LazyCard<K>>).build === 'function';
}

function formatDuration(ms: number): string {
  if (ms % 60_000 === 0) return `${ms / 60_000} minute${ms === 60_000 ? '' : 's'}`;
  return `${Math.round(ms / 1000)} s`;
}
