import type * as vscode from 'vscode';
import type { ServerManager } from '../host/serverManager';
import type { HostControls } from '../host/requests/controls';
import type { BrokerChange, BrokerEntry, RequestBroker } from '../host/requests/broker';
import { toCard, toPatch } from '../host/requests/cards';
import type { IDisposable } from '../host/disposable';
import { Emitter } from '../host/events';
import { systemClock, type Clock } from '../host/types';
import type { RequestsStatus, RequestsViewState, WebviewToExtension } from '../shared/protocol';
import type { RequestsDelta, RequestsModel } from './requestsView';

/** How long a request that runs without review may run before it gets a card. */
export const QUIET_GRACE_MS = 250;
/**
 * At most one History update per this interval while requests keep finishing:
 * the view re-renders its History on each, on the workbench's thread (measured:
 * with no History updates an open view costs the auto path nothing more).
 */
export const HISTORY_INTERVAL_MS = 1000;

/** Timing knobs (tests pass a fake clock). */
export interface RequestsModelOptions {
  clock?: Clock;
  graceMs?: number;
  historyIntervalMs?: number;
}

/**
 * Composes the Requests view state from the broker and the server manager,
 * and turns the broker's changes into deltas: a card travels whole once, then
 * only its changed fields, streamed text as appended text, media never again.
 *
 * A request that needs nobody (a sampling request under policy `auto`) gets a
 * card only once it has run for {@link QUIET_GRACE_MS}, or at once when it
 * comes to need the person: a fast one is answered before that and shows up in
 * History only, so a server sampling in a loop neither floods the view with
 * cards that flash in and out nor keeps the workbench's thread busy rendering
 * them. A long run still shows its card, streamed text and Stop.
 */
export class BrokerRequestsModel implements RequestsModel, vscode.Disposable {
  private readonly emitter = new Emitter<RequestsDelta>();
  readonly onDidChange = this.emitter.event;
  private readonly subs: IDisposable[];
  private readonly clock: Clock;
  private readonly graceMs: number;
  private readonly historyIntervalMs: number;
  /** Entries the view shows (the `ready` state holds exactly these); the others are held back. */
  private readonly shown = new Set<string>();
  /** Quiet entries not shown yet, with the timer that shows them when they last. */
  private readonly held = new Map<string, IDisposable>();
  private historyTimer: IDisposable | undefined;
  private historySentAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly broker: RequestBroker,
    private readonly manager: ServerManager,
    private readonly controls: HostControls,
    options: RequestsModelOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
    this.graceMs = options.graceMs ?? QUIET_GRACE_MS;
    this.historyIntervalMs = options.historyIntervalMs ?? HISTORY_INTERVAL_MS;
    const status = () => this.emitter.fire({ type: 'statusChanged', status: this.status() });
    for (const entry of broker.pending()) this.shown.add(entry.id);
    this.subs = [broker.onDidChangeEntry((change) => this.onBrokerChange(change)), manager.onDidChange(status), controls.onDidChange(status)];
  }

  state(): RequestsViewState {
    const requests = this.broker.pending().filter((entry) => this.shown.has(entry.id));
    return { ...this.status(), requests: requests.map(toCard), history: this.broker.history() };
  }

  /**
   * Open requests the person has to act on: a sampling request that runs and
   * answers without review (policy auto) waits for nobody, and counting it
   * would flash the badge and the status bar on every such request.
   */
  waitingCount(): number {
    let n = 0;
    for (const entry of this.broker.pending()) {
      if (!entry.closed && entry.needsAttention()) n++;
    }
    return n;
  }

  handle(message: WebviewToExtension): void {
    switch (message.type) {
      case 'action':
        this.broker.dispatch(message.id, message.action);
        break;
      case 'dismiss':
        this.broker.dismiss(message.id);
        break;
      case 'rejectAll':
        this.broker.rejectAll(message.server);
        break;
      case 'setSamplingPaused':
        this.controls.samplingPaused = message.paused;
        break;
      case 'ready':
      case 'command':
      case 'openResultJson':
      case 'toolArgsAction':
        break;
    }
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
    for (const timer of this.held.values()) timer.dispose();
    this.held.clear();
    this.historyTimer?.dispose();
    this.emitter.dispose();
  }

  private status(): RequestsStatus {
    const servers = this.manager.list();
    return { serverCount: servers.length, runningCount: servers.filter((s) => s.state.kind === 'running').length, samplingPaused: this.controls.samplingPaused };
  }

  private onBrokerChange(change: BrokerChange): void {
    if (change.type === 'history') return this.historyChanged();
    const { id } = change.entry;
    if (change.type === 'added') {
      if (!needsNobody(change.entry)) return this.show(change.entry);
      // No timer stands between a fast request and its answer: this one only shows a card.
      this.held.set(id, this.clock.setTimeout(() => this.show(change.entry), this.graceMs));
      return;
    }
    if (!this.shown.has(id)) return this.onHeldChange(change);
    switch (change.type) {
      case 'updated':
        return this.emitter.fire({ type: 'cardUpdated', id, update: toPatch(change) });
      case 'streamed':
        if (change.entry.kind === 'sampling') this.emitter.fire({ type: 'completionDelta', id, delta: change.delta });
        return;
      case 'removed':
        this.shown.delete(id);
        return this.emitter.fire({ type: 'cardRemoved', id });
    }
  }

  /** A change to an entry the view does not show: nothing to send, unless it now needs the person. */
  private onHeldChange(change: Exclude<BrokerChange, { type: 'added' | 'history' }>): void {
    const { entry } = change;
    if (!this.held.has(entry.id)) return;
    if (change.type === 'removed') return this.release(entry.id);
    if (entry.closed) {
      // Cancelled by the server, or its server stopped, before anyone saw it: the
      // History line says so, and a closed card nobody saw needs no Dismiss.
      this.release(entry.id);
      queueMicrotask(() => this.broker.dismiss(entry.id));
      return;
    }
    // The card sent then is the whole card as it is now: streamed text and updates included.
    if (!needsNobody(entry)) this.show(entry);
  }

  private show(entry: BrokerEntry): void {
    this.release(entry.id);
    this.shown.add(entry.id);
    this.emitter.fire({ type: 'cardAdded', card: toCard(entry) });
  }

  private release(id: string): void {
    this.held.get(id)?.dispose();
    this.held.delete(id);
  }

  /**
   * One History update per burst, out of the way of the answer that caused it
   * (a timer, so it goes after the answer is written), then at most one per
   * interval while requests keep finishing (a server sampling in a loop).
   */
  private historyChanged(): void {
    if (this.historyTimer) return;
    const wait = Math.max(0, this.historySentAt + this.historyIntervalMs - this.clock.now());
    this.historyTimer = this.clock.setTimeout(() => {
      this.historyTimer = undefined;
      this.historySentAt = this.clock.now();
      this.emitter.fire({ type: 'historyChanged', history: this.broker.history() });
    }, wait);
  }
}

/** A request that runs and answers without the person (and has not come to need them); never builds its card. */
function needsNobody(entry: BrokerEntry): boolean {
  return !entry.closed && !entry.needsAttention();
}
