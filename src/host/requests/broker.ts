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
  id: string;
  kind: K;
  server: string;
  createdAt: number;
  /** Milliseconds since the epoch when the review times out, if it does. */
  deadline?: number;
  /** The kind's view data; replaced (never mutated) on every update. */
  card: CardOf<K>;
  /** Who asks and why, for the card header. */
  origin: RequestOrigin;
  /** Set when the request ended without an answer from the person; the card stays until dismissed. */
  closed?: ClosedReason;
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
  /** Changes some card fields and tells the views (only those fields travel). */
  update(patch: Partial<CardOf<K>>): void;
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

/** Options for opening a review. */
export interface OpenOptions {
  origin: RequestOrigin;
  /** The server's request signal: aborts on cancellation, or with `ConnectionGoneError` on disconnect. */
  signal: AbortSignal;
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
  private readonly listeners = new Map<string, Set<(action: ReviewAction) => void>>();
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

  constructor(private readonly clock: Clock) {
    super();
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

  /** Adds a card and returns the handle its coordinator drives. */
  open<K extends ReviewKind>(kind: K, server: string, card: CardOf<K>, options: OpenOptions): ReviewHandle<K> {
    const id = `${kind}-${this.idPrefix}-${this.nextId++}`;
    const now = this.clock.now();
    const entry = { id, kind, server, createdAt: now, card, origin: options.origin, deadline: options.timeoutMs > 0 ? now + options.timeoutMs : undefined } as EntryOf<K>;
    const any = entry as unknown as BrokerEntry;
    this.entries.set(id, any);
    this.open_++;
    // The handle's abort state. An AbortSignal is made only when someone reads `handle.signal`
    // (a URL opener, tests): most requests are answered without an abort, and an AbortController
    // with its listeners is one of the costliest objects a request would otherwise create.
    const aborts = new AbortState();
    const abort = (kindOf: AbortKind, message: string) => {
      if (aborts.reason || this.entries.get(id) !== any) return;
      timer?.dispose();
      entry.closed = { kind: kindOf, message };
      this.open_--;
      this.addHistory(any, kindOf, message, options.audit);
      this.listeners.delete(id);
      aborts.abort(new ReviewAbortedError(kindOf, message));
      this.changed({ type: 'updated', entry: any, closed: entry.closed } as BrokerChange);
    };
    const timer = options.timeoutMs > 0 ? this.clock.setTimeout(() => abort('timeout', `No answer within ${formatDuration(options.timeoutMs)}`), options.timeoutMs) : undefined;
    const onServerAbort = () => {
      const kindOf = isConnectionGone(options.signal.reason) ? 'server-gone' : 'cancelled-by-server';
      abort(kindOf, kindOf === 'server-gone' ? 'The server stopped before this was answered' : 'Cancelled by the server');
    };
    if (options.signal.aborted) queueMicrotask(onServerAbort);
    else options.signal.addEventListener('abort', onServerAbort, { once: true });
    const live = () => this.entries.get(id) === any && !entry.closed;

    const finish = (outcome: string, summary: string) => {
      timer?.dispose();
      options.signal.removeEventListener('abort', onServerAbort);
      if (this.entries.get(id) !== any) return;
      this.entries.delete(id);
      this.listeners.delete(id);
      if (!entry.closed) this.open_--;
      this.addHistory(any, outcome, summary, options.audit);
      this.changed({ type: 'removed', entry: any });
    };
    const onAction = (listener: (action: ActionOf<K>) => void): IDisposable => {
      let set = this.listeners.get(id);
      if (!set) this.listeners.set(id, (set = new Set()));
      const l = listener as (action: ReviewAction) => void;
      set.add(l);
      return { dispose: () => set?.delete(l) };
    };

    const handle: ReviewHandle<K> = {
      id,
      get signal() {
        return aborts.signal;
      },
      entry: any as BrokerEntry<K>,
      update: (patch) => {
        if (this.entries.get(id) !== any) return;
        entry.card = { ...entry.card, ...patch };
        this.changed({ type: 'updated', entry: any, patch } as BrokerChange);
      },
      stream: (delta) => {
        if (!live()) return;
        const spec: ReviewKindSpec<K> = REVIEW_KINDS[kind];
        if (spec.reduceDelta) entry.card = spec.reduceDelta(entry.card, delta);
        this.changed({ type: 'streamed', entry: any, delta } as BrokerChange);
      },
      wait: (handlers) => waitFor(aborts, handlers, onAction, finish),
      onAction,
      finish,
    };
    this._onDidAdd.fire(any);
    this.changed({ type: 'added', entry: any });
    return handle;
  }

  /** Routes an action from the UI; returns false for unknown or closed requests, or an action of another kind. */
  dispatch(id: string, action: ReviewAction): boolean {
    const entry = this.entries.get(id);
    const listeners = this.listeners.get(id);
    if (!entry || entry.closed || !listeners || !isActionOf(entry.kind, action)) return false;
    for (const l of [...listeners]) l(action);
    return true;
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

/**
 * Whether a review was aborted and why, with one callback for `wait`; an
 * `AbortSignal` mirroring it is made only when one is asked for.
 */
class AbortState {
  reason: ReviewAbortedError | undefined;
  /** Internal listeners (`wait`'s), called once on abort. */
  readonly listeners: Array<() => void> = [];
  private controller: AbortController | undefined;

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.reason) this.controller.abort(this.reason);
    }
    return this.controller.signal;
  }

  abort(reason: ReviewAbortedError): void {
    this.reason = reason;
    this.controller?.abort(reason);
    for (const listener of this.listeners.splice(0)) listener();
  }
}

/** The one settle-once loop: actions until an answer, or an abort mapped by the owner. */
function waitFor<K extends ReviewKind, R>(
  aborts: AbortState,
  handlers: WaitHandlers<K, R>,
  onAction: (listener: (action: ActionOf<K>) => void) => IDisposable,
  finish: (outcome: string, summary: string) => void,
): { done: Promise<R>; settle: Settle<R> } {
  let settled = false;
  let resolveDone!: (r: R) => void;
  let rejectDone!: (e: Error) => void;
  const done = new Promise<R>((resolve, reject) => {
    resolveDone = resolve;
    rejectDone = reject;
  });
  const end = () => {
    settled = true;
    sub.dispose();
    const at = aborts.listeners.indexOf(onAbort);
    if (at >= 0) aborts.listeners.splice(at, 1);
  };
  const settle: Settle<R> = {
    resolve: (result, outcome, summary) => {
      if (settled) return;
      end();
      finish(outcome, summary);
      resolveDone(result);
    },
    reject: (error, outcome, summary) => {
      if (settled) return;
      end();
      finish(outcome, summary);
      rejectDone(error instanceof Error ? error : new Error(String(error)));
    },
    get settled() {
      return settled;
    },
  };
  const onAbort = () => {
    if (settled) return;
    end();
    const aborted = aborts.reason ?? new ReviewAbortedError('cancelled-by-server', 'Cancelled');
    try {
      if (!handlers.onAbort) throw aborted;
      resolveDone(handlers.onAbort(aborted));
    } catch (err) {
      rejectDone(err instanceof Error ? err : new Error(String(err)));
    }
  };
  const sub = onAction((action) => {
    if (!settled) handlers.onAction(action, settle);
  });
  if (aborts.reason) onAbort();
  else aborts.listeners.push(onAbort);
  return { done, settle };
}

function formatDuration(ms: number): string {
  if (ms % 60_000 === 0) return `${ms / 60_000} minute${ms === 60_000 ? '' : 's'}`;
  return `${Math.round(ms / 1000)} s`;
}
