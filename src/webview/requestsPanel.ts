import type { ExtensionToWebview, HistoryEntry, RequestCard, RequestsStatus } from '../shared/protocol';
import type { CardView } from './cardView';
import { compactCard } from './compactCard';
import { button, keepSpareComponents } from './components';
import { h, icon, render } from './dom';
import { createElicitationCard } from './elicitationCard';
import { QueueKeyboard } from './queueKeyboard';
import { RequestsStore } from './requestsStore';
import { createSamplingCard } from './samplingCard';
import { dateTime } from './timeFormat';
import { post, pruneDrafts } from './vscodeApi';

/** Requests view messages (the others belong to other panels). */
export type RequestsMessage = Extract<ExtensionToWebview, { type: 'requestsState' | 'cardAdded' | 'cardUpdated' | 'cardRemoved' | 'completionDelta' | 'statusChanged' | 'historyChanged' }>;

/** The first cards of the queue are shown in full; the rest as one-line rows until they move up or are opened. */
const FULL_CARDS = 5;
/** Applying messages and building full cards stops for the frame after this long (ms), so no task blocks input. */
const FRAME_BUDGET_MS = 8;

interface Slot {
  /** The element in the list: the full card, or the compact row. */
  element: HTMLElement;
  view?: CardView;
  /** The person opened it: it stays full wherever it is in the queue. */
  pinned: boolean;
  dirty: boolean;
  /** Only streamed text changed since the last frame (cheaper than `dirty`). */
  streamed?: boolean;
}

/**
 * The Requests view. A message is applied as soon as it arrives while this
 * frame's budget lasts (waiting for an animation frame would cost a frame or
 * more, and much more in a webview the browser throttles: a card that comes
 * a few ms after the last one was removed, or after a History update, shows at
 * once too); once a frame has spent its budget, what arrives is queued and
 * applied once per animation frame while messages keep coming, so a burst of
 * deltas (a stream, 200 requests at once) costs one layout per frame and no
 * long task. Cards are keyed by request id and patched in place, so typing is
 * never interrupted.
 */
export class RequestsPanel {
  private readonly store = new RequestsStore();
  private readonly slots = new Map<string, Slot>();
  private readonly queue: RequestsMessage[] = [];
  private frame: number | undefined;
  /** Time spent applying messages since the last animation frame (ms). */
  private spent = 0;
  private readonly status = h('div', { class: 'status-line' });
  private readonly bar = h('div', { class: 'queue-bar', role: 'toolbar', 'aria-label': 'Queue actions' });
  private readonly cards = h('section', { class: 'cards', 'aria-label': 'Pending requests' });
  private readonly history = h('section', { class: 'history', 'aria-label': 'History' });
  private readonly keyboard: QueueKeyboard;
  private statusDirty = false;
  private historyDirty = false;
  private layoutDirty = false;
  private draftsDirty = false;
  /** Cards removed in this frame: while a burst of answers drains the queue, no card is promoted to full. */
  private removed = 0;

  constructor(root: HTMLElement) {
    const announcer = h('div', { class: 'sr-only', role: 'status', 'aria-live': 'polite' });
    this.keyboard = new QueueKeyboard(this.cards, announcer);
    render(root, this.status, this.bar, this.cards, this.history, announcer);
    // Cards are built while someone waits for them: their components are made ahead, in idle time.
    keepSpareComponents();
  }

  receive(message: RequestsMessage): void {
    this.queue.push(message);
    // This frame's budget is spent: a burst is under way, and this message joins its next batch.
    if (this.spent < FRAME_BUDGET_MS) this.flush();
    this.frame ??= requestAnimationFrame(() => this.onFrame());
  }

  /** A new frame, a new budget: applies what was queued meanwhile; a frame with nothing to do ends the burst. */
  private onFrame(): void {
    this.frame = undefined;
    this.spent = 0;
    if (this.queue.length === 0 && !this.layoutDirty) return;
    this.flush();
    this.frame = requestAnimationFrame(() => this.onFrame());
  }

  private flush(): void {
    const started = performance.now();
    this.removed = 0;
    for (const message of this.queue.splice(0)) this.apply(message);
    // Full cards are built within what is left of this frame's budget.
    this.layout(started - this.spent);
    if (this.statusDirty) this.renderStatus(this.store.status);
    if (this.historyDirty) this.renderHistory(this.store.history);
    if (this.draftsDirty) pruneDrafts(new Set(this.store.cards.keys()));
    this.statusDirty = this.historyDirty = this.draftsDirty = false;
    this.spent += performance.now() - started;
  }

  private apply(message: RequestsMessage): void {
    switch (message.type) {
      case 'requestsState': {
        this.store.reset(message.state);
        for (const [id, slot] of this.slots) if (!this.store.cards.has(id)) this.drop(id, slot);
        for (const slot of this.slots.values()) slot.dirty = true;
        pruneDrafts(new Set(this.store.cards.keys()));
        this.statusDirty = this.historyDirty = this.layoutDirty = true;
        return;
      }
      case 'cardAdded':
        this.store.add(message.card);
        this.layoutDirty = true;
        return;
      case 'cardUpdated':
        if (this.store.update(message.id, message.update)) this.markDirty(message.id);
        if (message.update.closed) this.layoutDirty = true;
        return;
      case 'completionDelta': {
        const slot = this.store.stream(message.id, message.delta) && this.slots.get(message.id);
        if (slot) slot.streamed = true;
        return;
      }
      case 'cardRemoved': {
        this.store.remove(message.id);
        const slot = this.slots.get(message.id);
        if (slot) this.drop(message.id, slot);
        this.layoutDirty = true;
        return;
      }
      case 'statusChanged':
        this.store.status = message.status;
        this.statusDirty = true;
        return;
      case 'historyChanged':
        this.store.history = message.history;
        this.historyDirty = true;
        return;
    }
  }

  private markDirty(id: string): void {
    const slot = this.slots.get(id);
    if (slot) slot.dirty = true;
  }

  private drop(id: string, slot: Slot): void {
    slot.view?.dispose();
    slot.element.remove();
    this.removed++;
    this.slots.delete(id);
    // The request left the queue: its unsent edits are done. Pruned once per frame, not per card
    // (each write of the webview state is costly, and Reject all removes hundreds).
    this.draftsDirty = true;
  }

  /** Brings the list in line with the store: order, full or compact, and pending updates. */
  private layout(started: number): void {
    let index = 0;
    let previous: Element | null = null;
    let deferred = false;
    for (const card of this.store.cards.values()) {
      let slot = this.slots.get(card.id);
      const wantFull = index < FULL_CARDS || slot?.pinned === true;
      // Full cards are the expensive part: build a few per frame, the rest next frame.
      const fullNow = wantFull && !slot?.view && this.removed === 0 && (index === 0 || performance.now() - started < FRAME_BUDGET_MS);
      if (!slot) {
        // A card shown in full at once is built in full straight away (no compact row first).
        const view = fullNow ? createView(card) : undefined;
        slot = { element: view?.element ?? compactCard(card, index, () => this.open(card.id)), view, pinned: false, dirty: false };
        this.slots.set(card.id, slot);
        if (wantFull && !view) deferred = true;
      } else if (wantFull && !slot.view) {
        if (fullNow) {
          const view = createView(card);
          slot.element.replaceWith(view.element);
          slot.element = view.element;
          slot.view = view;
          slot.dirty = false;
        } else deferred = true;
      } else if (slot.dirty) {
        if (slot.view) slot.view.update(card);
        else slot.element.replaceWith((slot.element = compactCard(card, index, () => this.open(card.id))));
        slot.dirty = false;
      } else if (slot.streamed && slot.view) {
        if (slot.view.stream) slot.view.stream(card);
        else slot.view.update(card);
      }
      slot.streamed = false;
      const el = slot.element;
      if (this.layoutDirty && (el.parentElement !== this.cards || el.previousElementSibling !== previous)) this.cards.insertBefore(el, previous ? previous.nextElementSibling : this.cards.firstElementChild);
      previous = el;
      index++;
    }
    if (this.layoutDirty) {
      const empty = this.cards.querySelector(':scope > .empty');
      if (this.store.cards.size === 0 && !empty) this.cards.append(emptyState());
      else if (this.store.cards.size > 0 && empty) empty.remove();
      this.renderQueueBar();
    }
    // Full cards left for later: the next frame builds more (see onFrame).
    this.layoutDirty = deferred;
  }

  /** The person opened a compact row: show it in full and move focus into it. */
  private open(id: string): void {
    const slot = this.slots.get(id);
    if (!slot) return;
    slot.pinned = true;
    this.layoutDirty = true;
    this.removed = 0;
    this.layout(performance.now());
    slot.element.focus();
  }

  private renderQueueBar(): void {
    const byServer = [...this.store.openByServer()].filter(([, n]) => n > 1);
    this.bar.hidden = byServer.length === 0;
    if (byServer.length === 0) return this.bar.replaceChildren();
    const open = [...this.store.cards.values()].filter((c) => !c.closed).length;
    render(
      this.bar,
      h('span', { class: 'muted' }, `${open} waiting · j/k or ↑/↓ move between cards`),
      ...byServer.map(([server, n]) => {
        const label = `Reject all ${n} from ${server}`;
        return button(label, () => post({ type: 'rejectAll', server }), { icon: 'close-all', secondary: true, title: `Reject (sampling) or decline (elicitation) every open request of ${server}` });
      }),
    );
  }

  private renderStatus(state: RequestsStatus): void {
    const pause = button(state.samplingPaused ? 'Resume sampling' : 'Pause all sampling', () => post({ type: 'setSamplingPaused', paused: !state.samplingPaused }), {
      icon: state.samplingPaused ? 'debug-continue' : 'debug-pause',
      iconOnly: true,
      secondary: true,
    });
    render(
      this.status,
      h('span', { class: 'muted' }, state.serverCount === 0 ? 'No servers configured' : `${state.runningCount}/${state.serverCount} servers running`),
      state.samplingPaused ? h('span', { class: 'paused', role: 'status' }, icon('debug-pause'), ' Sampling paused: every request is rejected') : undefined,
      pause,
    );
  }

  private renderHistory(history: HistoryEntry[]): void {
    if (history.length === 0) {
      this.history.replaceChildren();
      return;
    }
    const log = button('Open Audit Log', () => post({ type: 'command', command: 'openAuditLog' }), { icon: 'output', secondary: true });
    render(
      this.history,
      h('h2', {}, 'History'),
      h(
        'ul',
        {},
        ...history.slice(0, 20).map((entry) =>
          h(
            'li',
            { title: `${dateTime(entry.at)}: ${entry.summary}` },
            icon(entry.kind === 'sampling' ? 'sparkle' : 'question'),
            ' ',
            h('span', { class: 'server' }, entry.server),
            ' · ',
            h('span', { class: `outcome outcome-${entry.outcome.replace(/[^a-z-]/g, '')}` }, entry.outcome),
            ' · ',
            h('span', { class: 'muted' }, entry.summary),
          ),
        ),
      ),
      log,
    );
  }
}

function createView(card: RequestCard): CardView {
  switch (card.kind) {
    case 'sampling':
      return createSamplingCard(card);
    case 'elicitation':
      return createElicitationCard(card);
  }
}

function emptyState(): HTMLElement {
  return h(
    'div',
    { class: 'empty', 'aria-live': 'polite' },
    icon('inbox'),
    h('h2', {}, 'Nothing to review'),
    h('p', {}, 'When an MCP server asks for a model completion (sampling) or for your input (elicitation), the request appears here for you to review before anything is sent.'),
  );
}
