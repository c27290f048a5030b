import type { RequestCard } from '../shared/protocol';
import { h, icon } from './dom';
import { button } from './components';
import { post } from './vscodeApi';

const PREVIEW_CHARS = 160;

/**
 * A one-line row for a card further down the queue: who asks, the start of
 * what they ask, and the quick answers. Cheap to build (no form, no editors),
 * so hundreds of pending requests stay responsive. "Open" shows the full card.
 */
export function compactCard(card: RequestCard, index: number, onOpen: () => void): HTMLElement {
  const title = card.kind === 'sampling' ? 'Sampling request' : 'Input requested';
  const actions = h('div', { class: 'button-row' }, button('Open', onOpen, { secondary: true, icon: 'chevron-down' }));
  if (card.closed || (card.kind === 'elicitation' && card.elicitation.mode === 'refused')) actions.append(button('Dismiss', () => post({ type: 'dismiss', id: card.id }), { secondary: true }));
  else if (card.kind === 'sampling') actions.append(button('Reject', () => post({ type: 'action', id: card.id, kind: 'sampling', action: { type: 'reject' } }), { secondary: true }));
  else actions.append(button('Decline', () => post({ type: 'action', id: card.id, kind: 'elicitation', action: { type: 'decline' } }), { secondary: true }));
  const row = h(
    'article',
    { class: `card-compact card-compact-${card.kind}${card.closed ? ' card-closed' : ''}`, 'data-request-id': card.id, 'aria-label': `${title} from ${card.server.name}, number ${index + 1} in the queue`, tabindex: '-1' },
    h('div', { class: 'compact-head' }, icon(card.kind === 'sampling' ? 'sparkle' : 'question'), ' ', h('span', { class: 'card-title' }, title), ' from ', h('strong', { class: 'server' }, card.server.name), card.closed ? h('span', { class: 'muted' }, ` · ${card.closed.message}`) : undefined),
    h('div', { class: 'compact-preview muted' }, preview(card)),
    actions,
  );
  row.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && e.target === row) {
      e.preventDefault();
      onOpen();
    }
  });
  return row;
}

function preview(card: RequestCard): string {
  let text = '';
  if (card.kind === 'sampling') {
    for (const m of card.sampling.messages) {
      const block = m.blocks.find((b) => b.kind === 'text');
      if (block?.kind === 'text') {
        text = block.text.original.text.slice(0, PREVIEW_CHARS * 2);
        break;
      }
    }
  } else {
    text = card.elicitation.message?.slice(0, PREVIEW_CHARS * 2) ?? card.elicitation.mode;
  }
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > PREVIEW_CHARS ? `${line.slice(0, PREVIEW_CHARS)}…` : line;
}
