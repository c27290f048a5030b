/**
 * A form-mode elicitation card: the server's message, a secret-field warning
 * when needed, the form, and Accept / Decline / Cancel. Enter accepts a
 * valid form, Escape cancels. Edits survive the view being hidden (drafts).
 */
import type { FormResult } from '../../shared/elicitation';
// From the module, not the barrel: the barrel also carries the Public Suffix List (urlSafety).
import { initialValues } from '../../shared/elicitation/validate';
import type { ElicitationAction, FormElicitationCard } from '../../shared/elicitationProtocol';
import type { RequestCard } from '../../shared/protocol';
import { cardFrame } from '../cardFrame';
import type { CardView } from '../cardView';
import { h } from '../dom';
import { getDraft, post, setDraft } from '../vscodeApi';
import { createFormView, whyInvalid, type FormDraft } from './form';
import { button, INTERACTIVE_SELECTOR, setDisabled } from '../components';
import { closedBanner, deadlineNote, messageBlock, sensitiveWarning } from './parts';

type ElicitationRequest = RequestCard & { kind: 'elicitation' };

/** Renders a form card; `update` patches status without touching what is typed. */
export function createFormCard(card: ElicitationRequest, data: FormElicitationCard): CardView {
  const id = card.id;
  const send = (action: ElicitationAction) => post({ type: 'action', id, kind: 'elicitation', action });
  const draft = getDraft<FormDraft>(id);
  const form = createFormView(
    data.form,
    { idPrefix: `card${id.replace(/[^\w-]/g, '')}`, initial: draft?.values ?? initialValues(data.form), touched: draft?.touched, onEdit: (d) => setDraft(id, d) },
    (result) => showValidity(result),
  );
  const status = h('div', { class: 'form-status', 'aria-live': 'polite' });
  const accept = button('Accept', () => tryAccept());
  const actions = h('div', { class: 'button-row card-actions' }, accept, button('Decline', () => send({ type: 'decline' }), { secondary: true }), button('Cancel', () => send({ type: 'cancel' }), { secondary: true }));
  const footer = h('div', { class: 'card-footer' });
  const body = h('div', { class: 'card-body' }, messageBlock(data.message), sensitiveWarning(data.sensitive), form.element, status, actions, footer);
  const element = cardFrame(card, 'Input requested', body);
  let closed = false;

  function showValidity(result: FormResult, hostRefused = false): void {
    setDisabled(accept, !(result.ok && !closed));
    status.classList.toggle('error', hostRefused);
    status.textContent = hostRefused ? 'The host did not accept these values: check the marked fields.' : (whyInvalid(data.form, result) ?? '');
  }

  function tryAccept(): void {
    if (closed) return;
    const result = form.check(true);
    if (!result.ok) {
      form.focusFirstInvalid();
      showValidity(result);
      return;
    }
    send({ type: 'accept', values: form.values() });
  }

  body.addEventListener('keydown', (e) => {
    if (closed || e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey) return;
    const target = e.target as HTMLElement;
    if (e.key === 'Escape') {
      e.preventDefault();
      send({ type: 'cancel' });
    } else if (e.key === 'Enter' && !e.shiftKey && !target.closest(INTERACTIVE_SELECTOR)) {
      e.preventDefault();
      tryAccept();
    }
  });

  const update = (next: RequestCard) => {
    if (next.kind !== 'elicitation' || next.elicitation.mode !== 'form') return;
    form.setHostErrors(next.elicitation.hostErrors);
    closed = next.closed !== undefined;
    element.classList.toggle('card-closed', closed);
    form.setDisabled(closed);
    actions.hidden = closed;
    footer.replaceChildren(...[next.closed ? closedBanner(next.closed, () => post({ type: 'dismiss', id })) : deadlineNote(next.deadline)].filter((x) => x !== undefined));
    showValidity(form.check(), next.elicitation.hostErrors !== undefined && !closed);
  };
  update(card);
  return {
    element,
    update,
    dispose: () => {
      element.remove();
      setDraft(id, undefined);
    },
  };
}
