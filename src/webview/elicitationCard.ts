import type { RequestCard } from '../shared/protocol';
import type { CardView } from './cardView';
import { h } from './dom';
import { cardFrame } from './cardFrame';
import { post } from './vscodeApi';

/** Renders an elicitation request card. */
export function createElicitationCard(card: RequestCard & { kind: 'elicitation' }): CardView {
  const body = h('div', { class: 'card-body' });
  const element = cardFrame(card, 'Input requested', body);
  const render = (c: RequestCard) => {
    if (c.kind !== 'elicitation') return;
    body.replaceChildren(h('p', { class: 'message' }, c.elicitation.message));
    const cancel = h('vscode-button', { appearance: 'secondary' }, 'Cancel');
    cancel.addEventListener('click', () => post({ type: 'elicitationAction', id: c.id, action: { type: 'cancel' } }));
    body.append(cancel);
  };
  render(card);
  return { element, update: render, dispose: () => element.remove() };
}
