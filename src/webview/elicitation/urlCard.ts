/**
 * A URL-mode elicitation card: the message, the full normalised URL with its
 * domain highlighted, the host's warnings, and Open / Decline / Cancel.
 * "Open" only asks the extension, which shows a consent dialog and opens the
 * link in the system browser; nothing here navigates or fetches.
 */
import type { AcceptedUrl } from '../../shared/elicitation';
import type { ElicitationAction, UrlElicitationCard } from '../../shared/elicitationProtocol';
import type { RequestCard } from '../../shared/protocol';
import { cardFrame } from '../cardFrame';
import type { CardView } from '../cardView';
import { h, icon } from '../dom';
import { post } from '../vscodeApi';
import { button, setDisabled } from '../components';
import { closedBanner, deadlineNote, messageBlock } from './parts';

type ElicitationRequest = RequestCard & { kind: 'elicitation' };

/** Renders a URL card. */
export function createUrlCard(card: ElicitationRequest, data: UrlElicitationCard): CardView {
  const id = card.id;
  const send = (action: ElicitationAction) => post({ type: 'action', id, kind: 'elicitation', action });
  const open = button('Open', () => send({ type: 'openUrl' }), { icon: 'link-external' });
  const actions = h('div', { class: 'button-row card-actions' }, open, button('Decline', () => send({ type: 'decline' }), { secondary: true }), button('Cancel', () => send({ type: 'cancel' }), { secondary: true }));
  const status = h('div', { class: 'form-status', 'aria-live': 'polite' });
  const footer = h('div', { class: 'card-footer' });
  const body = h(
    'div',
    { class: 'card-body' },
    data.requiredBy ? h('p', { class: 'muted' }, 'The tool call ', h('code', {}, data.requiredBy), ' failed until you open this link.') : undefined,
    messageBlock(data.message),
    urlBlock(data.url),
    h('p', { class: 'muted' }, 'Open asks you to confirm, then opens the link in your system browser. Accepting only tells the server you agreed to open it.'),
    status,
    actions,
    footer,
  );
  const element = cardFrame(card, 'Link to open', body);
  let closed = false;
  body.addEventListener('keydown', (e) => {
    if (closed || e.defaultPrevented || e.key !== 'Escape') return;
    e.preventDefault();
    send({ type: 'cancel' });
  });

  const update = (next: RequestCard) => {
    if (next.kind !== 'elicitation' || next.elicitation.mode !== 'url') return;
    const s = next.elicitation.status;
    closed = next.closed !== undefined;
    element.classList.toggle('card-closed', closed);
    actions.hidden = closed;
    setDisabled(open, s?.kind === 'confirming');
    status.classList.toggle('error', s?.kind === 'failed');
    status.textContent = s?.kind === 'confirming' ? 'Waiting for you to confirm in the dialog…' : s?.kind === 'failed' ? s.message : '';
    footer.replaceChildren(...[next.closed ? closedBanner(next.closed, () => post({ type: 'dismiss', id })) : deadlineNote(next.deadline)].filter((x) => x !== undefined));
  };
  update(card);
  return { element, update, dispose: () => element.remove() };
}

/** The full URL with the registrable domain emphasised, then the warnings. */
function urlBlock(url: AcceptedUrl): HTMLElement {
  const { before, domain, after } = url.displayParts;
  const warnings = url.warnings.map((w) => h('li', {}, icon('warning'), ` ${w.message}`));
  const local = url.scheme === 'http' && url.warnings.every((w) => w.code !== 'insecure-http');
  return h(
    'div',
    { class: 'url-block' },
    h('div', { class: 'url-box', 'aria-label': `Link: ${url.url}` }, h('span', { class: 'url-rest' }, before), h('strong', { class: 'url-domain' }, domain), h('span', { class: 'url-rest' }, after)),
    h('div', { class: 'url-site' }, 'Site: ', h('strong', {}, url.registrableDomain), url.unicodeHost ? ` (displayed as “${url.unicodeHost}”)` : '', local ? ' · a local address on this machine' : ''),
    warnings.length > 0 ? h('ul', { class: 'banner warning url-warnings', role: 'alert' }, ...warnings) : undefined,
  );
}
