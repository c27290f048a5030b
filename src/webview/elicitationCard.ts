import type { RefusedElicitationCard } from '../shared/elicitationProtocol';
import type { RequestCard } from '../shared/protocol';
import { cardFrame } from './cardFrame';
import type { CardView } from './cardView';
import { h, icon, render as renderInto } from './dom';
import { createFormCard } from './elicitation/formCard';
import { button } from './components';
import { closedBanner, messageBlock } from './elicitation/parts';
import { createUrlCard } from './elicitation/urlCard';
import { post } from './vscodeApi';

type ElicitationRequest = RequestCard & { kind: 'elicitation' };

/** Renders an elicitation request card: a form, a link, or what was refused. */
export function createElicitationCard(card: ElicitationRequest): CardView {
  const data = card.elicitation;
  switch (data.mode) {
    case 'form':
      return createFormCard(card, data);
    case 'url':
      return createUrlCard(card, data);
    case 'refused':
      return createRefusedCard(card);
  }
}

const ASKED_FOR: Record<RefusedElicitationCard['requestedMode'], string> = {
  form: 'a form',
  url: 'a link to open',
  unknown: 'input',
};

/** An info card: the request was answered with error -32602; nothing to fill in. */
function createRefusedCard(card: ElicitationRequest): CardView {
  const body = h('div', { class: 'card-body' });
  const element = cardFrame(card, 'Request refused', body);
  element.classList.add('card-refused');
  const render = (next: RequestCard) => {
    if (next.kind !== 'elicitation' || next.elicitation.mode !== 'refused') return;
    const d = next.elicitation;
    renderInto(
      body,
      h('div', { class: 'banner error', role: 'status' }, icon('circle-slash'), ` The server asked for ${ASKED_FOR[d.requestedMode]} this host cannot show safely. It was refused (error -32602); nothing was shown or sent.`),
      h('p', {}, h('strong', {}, 'Reason: '), d.reason),
      d.message !== undefined ? h('div', { class: 'refused-message' }, h('div', { class: 'muted' }, 'The server’s message:'), messageBlock(d.message)) : undefined,
      next.closed
        ? closedBanner(next.closed, () => post({ type: 'dismiss', id: next.id }))
        : h('div', { class: 'button-row' }, button('Dismiss', () => post({ type: 'dismiss', id: next.id }), { secondary: true })),
    );
  };
  render(card);
  return { element, update: render, dispose: () => element.remove() };
}
