import type { HistoryEntry, RequestCard, RequestsViewState } from '../shared/protocol';
import type { CardView } from './cardView';
import { h, icon, iconButton, render } from './dom';
import { createElicitationCard } from './elicitationCard';
import { createSamplingCard } from './samplingCard';
import { post, pruneDrafts } from './vscodeApi';

const views = new Map<string, { view: CardView; json: string }>();
let layout: { cards: HTMLElement; status: HTMLElement; history: HTMLElement } | undefined;

function createView(card: RequestCard): CardView {
  return card.kind === 'sampling' ? createSamplingCard(card) : createElicitationCard(card);
}

/**
 * Renders the Requests view from the full state the extension sent. Cards are
 * keyed by request id and updated in place, so typing is never interrupted.
 */
export function renderRequests(root: HTMLElement, state: RequestsViewState): void {
  if (!layout || !root.contains(layout.cards)) {
    layout = { status: h('div', { class: 'status-line' }), cards: h('section', { class: 'cards', 'aria-label': 'Pending requests' }), history: h('section', { class: 'history', 'aria-label': 'History' }) };
    render(root, layout.status, layout.cards, layout.history);
  }
  renderStatus(layout.status, state);
  reconcileCards(layout.cards, state);
  renderHistory(layout.history, state.history);
}

function reconcileCards(container: HTMLElement, state: RequestsViewState): void {
  const seen = new Set<string>();
  let previous: Element | null = null;
  for (const card of state.requests) {
    seen.add(card.id);
    const json = JSON.stringify(card);
    let entry = views.get(card.id);
    if (!entry) {
      entry = { view: createView(card), json };
      views.set(card.id, entry);
    } else if (entry.json !== json) {
      entry.view.update(card);
      entry.json = json;
    }
    const el = entry.view.element;
    if (el.parentElement !== container || el.previousElementSibling !== previous) container.insertBefore(el, previous ? previous.nextElementSibling : container.firstElementChild);
    previous = el;
  }
  for (const [id, entry] of views) {
    if (!seen.has(id)) {
      entry.view.dispose();
      views.delete(id);
    }
  }
  pruneDrafts(seen);
  const empty = container.querySelector(':scope > .empty');
  if (state.requests.length === 0 && !empty) container.append(emptyState());
  else if (state.requests.length > 0 && empty) empty.remove();
}

function renderStatus(el: HTMLElement, state: RequestsViewState): void {
  const pause = h('vscode-button', { appearance: 'icon', 'aria-label': state.samplingPaused ? 'Resume sampling' : 'Pause all sampling', title: state.samplingPaused ? 'Resume sampling' : 'Pause all sampling' }, icon(state.samplingPaused ? 'debug-continue' : 'debug-pause'));
  pause.addEventListener('click', () => post({ type: 'setSamplingPaused', paused: !state.samplingPaused }));
  render(
    el,
    h('span', { class: 'muted' }, state.serverCount === 0 ? 'No servers configured' : `${state.runningCount}/${state.serverCount} servers running`),
    state.samplingPaused ? h('span', { class: 'paused', role: 'status' }, icon('debug-pause'), ' Sampling paused: every request is rejected') : undefined,
    pause,
  );
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

function renderHistory(el: HTMLElement, history: HistoryEntry[]): void {
  if (history.length === 0) {
    el.replaceChildren();
    return;
  }
  const log = iconButton('Open Audit Log', 'output');
  log.addEventListener('click', () => post({ type: 'command', command: 'openAuditLog' }));
  render(
    el,
    h('h2', {}, 'History'),
    h(
      'ul',
      {},
      ...history.slice(0, 20).map((entry) =>
        h(
          'li',
          { title: `${new Date(entry.at).toLocaleString()}: ${entry.summary}` },
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
