import type { RequestCard } from '../shared/protocol';
import type { CardView } from './cardView';
import { h } from './dom';
import { cardFrame } from './cardFrame';
import { post } from './vscodeApi';

/** Renders a sampling request card. */
export function createSamplingCard(card: RequestCard & { kind: 'sampling' }): CardView {
  const body = h('div', { class: 'card-body' });
  const element = cardFrame(card, 'Sampling request', body);
  const render = (c: RequestCard) => {
    if (c.kind !== 'sampling') return;
    body.replaceChildren(h('p', {}, c.sampling.summary));
    const reject = h('vscode-button', { appearance: 'secondary' }, 'Reject');
    reject.addEventListener('click', () => post({ type: 'samplingAction', id: c.id, action: { type: 'reject' } }));
    body.append(reject);
  };
  render(card);
  return { element, update: render, dispose: () => element.remove() };
}
