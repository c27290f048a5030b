import { randomBytes } from 'node:crypto';
import { Disposable, type IDisposable } from '../disposable';
import { Emitter } from '../events';
import { isConnectionGone } from '../errors';
import type { Clock } from '../types';

/** Why a review ended without the person answering it. */
export type AbortKind = 'timeout' | 'cancelled-by-server' | 'server-gone';

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
  kind: 'sampling' | 'elicitation';
  server: string;
  outcome: string;
  summary: string;
  at: number;
}

/** A pending request as the broker stores it; `card` is the kind-specific view data. */
export interface BrokerEntry<TCard = unknown> {
  id: string;
  kind: 'sampling' | 'elicitation';
  server: string;
  createdAt: number;
  /** Milliseconds since the epoch when the review times out, if it does. */
  deadline?: number;
  card: TCard;
  /** Who asks and why, for the card header. */
  origin: RequestOrigin;
  /** Set when the request ended without an answer from the person; the card stays until dismissed. */
  closed?: { kind: AbortKind; message: string };
}

/** A coordinator's grip on one pending request. */
export interface ReviewHandle<TCard, TAction> {
  readonly id: string;
  /** Aborted (with a `ReviewAbortedError`) on timeout, server cancellation or disconnect. */
  readonly signal: AbortSignal;
  readonly entry: BrokerEntry<TCard>;
  /** Replaces the card data and re-renders. */
  update(card: TCard): void;
  /** Receives the person's actions for this card. */
  onAction(listener: (action: TAction) => void): IDisposable;
  /** The request was answered: the card leaves and a history entry is added. */
  finish(outcome: string, summary: string): void;
}

/** The server's self-reported name and the tool call that led to a request. */
export interface RequestOrigin {
  reportedName?: string;
  toolCall?: { name: string; arguments?: string; ambiguous?: boolean; via?: { kind: 'chat'; conversationId?: string } };
}

/** Options for opening a review. */
export interface OpenOptions {
  origin: RequestOrigin;
  /** The server's request signal: aborts on cancellation, or with `ConnectionGoneError` on disconnect. */
  signal: AbortSignal;
  /** 0 = no timeout. */
  timeoutMs: number;
}

const HISTORY_SIZE = 50;

/**
 * Holds every request waiting for the person, in arrival order, and routes
 * the person's actions to the coordinator that owns each one. The extension
 * renders `pending()` and `history()`; it owns no state of its own.
 */
export class RequestBroker extends Disposable {
  private readonly entries = new Map<string, BrokerEntry>();
  private readonly listeners = new Map<string, Set<(action: unknown) => void>>();
  private readonly finished: FinishedRequest[] = [];
  private readonly _onDidChange = this._register(new Emitter<void>());
  readonly onDidChange = this._onDidChange.event;
  private readonly _onDidFinish = this._register(new Emitter<{ entry: BrokerEntry; finished: FinishedRequest }>());
  /** Fires when a request leaves the queue: answered, or ended by a timeout, the server or a disconnect. */
  readonly onDidFinish = this._onDidFinish.event;
  private readonly _onDidAdd = this._register(new Emitter<BrokerEntry>());
  /** Fires when a new request arrives (to reveal the view or notify). */
  readonly onDidAdd = this._onDidAdd.event;
  private nextId = 1;
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
    return [...this.entries.values()].filter((e) => !e.closed).length;
  }

  history(): FinishedRequest[] {
    return [...this.finished];
  }

  /** Adds a card and returns the handle its coordinator drives. */
  open<TCard, TAction>(kind: BrokerEntry['kind'], server: string, card: TCard, options: OpenOptions): ReviewHandle<TCard, TAction> {
    const id = `${kind}-${this.idPrefix}-${this.nextId++}`;
    const now = this.clock.now();
    const entry: BrokerEntry<TCard> = { id, kind, server, createdAt: now, card, origin: options.origin, deadline: options.timeoutMs > 0 ? now + options.timeoutMs : undefined };
    this.entries.set(id, entry);
    const controller = new AbortController();
    const abort = (kindOf: AbortKind, message: string) => {
      if (controller.signal.aborted || !this.entries.has(id)) return;
      entry.closed = { kind: kindOf, message };
      this.addHistory(entry, kindOf, message);
      controller.abort(new ReviewAbortedError(kindOf, message));
      this.listeners.delete(id);
      this._onDidChange.fire();
    };
    const timer = options.timeoutMs > 0 ? this.clock.setTimeout(() => abort('timeout', `No answer within ${formatDuration(options.timeoutMs)}`), options.timeoutMs) : undefined;
    const onServerAbort = () => {
      const kindOf = isConnectionGone(options.signal.reason) ? 'server-gone' : 'cancelled-by-server';
      abort(kindOf, kindOf === 'server-gone' ? 'The server stopped before this was answered' : 'Cancelled by the server');
    };
    if (options.signal.aborted) queueMicrotask(onServerAbort);
    else options.signal.addEventListener('abort', onServerAbort, { once: true });
    controller.signal.addEventListener('abort', () => timer?.dispose(), { once: true });

    const handle: ReviewHandle<TCard, TAction> = {
      id,
      signal: controller.signal,
      entry,
      update: (next) => {
        if (!this.entries.has(id)) return;
        entry.card = next;
        this._onDidChange.fire();
      },
      onAction: (listener) => {
        let set = this.listeners.get(id);
        if (!set) this.listeners.set(id, (set = new Set()));
        const l = listener as (action: unknown) => void;
        set.add(l);
        return { dispose: () => set?.delete(l) };
      },
      finish: (outcome, summary) => {
        timer?.dispose();
        options.signal.removeEventListener('abort', onServerAbort);
        if (!this.entries.delete(id)) return;
        this.listeners.delete(id);
        this.addHistory(entry, outcome, summary);
        this._onDidChange.fire();
      },
    };
    this._onDidAdd.fire(entry);
    this._onDidChange.fire();
    return handle;
  }

  /** Routes an action from the UI; returns false for unknown or closed requests. */
  dispatch(id: string, action: unknown): boolean {
    const entry = this.entries.get(id);
    const listeners = this.listeners.get(id);
    if (!entry || entry.closed || !listeners) return false;
    for (const l of [...listeners]) l(action);
    return true;
  }

  /** Removes a closed card the person has seen. */
  dismiss(id: string): void {
    const entry = this.entries.get(id);
    if (entry?.closed && this.entries.delete(id)) this._onDidChange.fire();
  }

  private addHistory(entry: BrokerEntry, outcome: string, summary: string): void {
    const finished: FinishedRequest = { id: entry.id, kind: entry.kind, server: entry.server, outcome, summary, at: this.clock.now() };
    this.finished.unshift(finished);
    if (this.finished.length > HISTORY_SIZE) this.finished.length = HISTORY_SIZE;
    this._onDidFinish.fire({ entry, finished });
  }
}

function formatDuration(ms: number): string {
  if (ms % 60_000 === 0) return `${ms / 60_000} minute${ms === 60_000 ? '' : 's'}`;
  return `${Math.round(ms / 1000)} s`;
}
