/**
 * Pieces shared by the elicitation cards and the tool arguments form:
 * buttons, the secret-field warning, the closed-card banner and the deadline.
 * Server strings only ever become text nodes.
 */
import type { SensitiveField } from '../../shared/elicitation';
import type { CardBase } from '../../shared/protocol';
import { button } from '../components';
import { h, icon } from '../dom';
import { clockTime } from '../timeFormat';

/** The prominent warning for fields that seem to ask for secrets; recommends Decline. */
export function sensitiveWarning(fields: readonly SensitiveField[]): HTMLElement | undefined {
  if (fields.length === 0) return undefined;
  return h(
    'div',
    { class: 'banner warning sensitive', role: 'alert' },
    h('div', { class: 'banner-title' }, icon('warning'), ' This form asks for something secret'),
    h('ul', {}, ...fields.map((f) => h('li', {}, h('strong', {}, f.label), ` — ${f.reason.charAt(0).toLowerCase()}${f.reason.slice(1)}.`))),
    h('p', {}, 'MCP servers must not ask for passwords, tokens, API keys, secrets or card numbers in a form. Choose ', h('strong', {}, 'Decline'), ' unless you are sure.'),
  );
}

const CLOSED_NOTES: Record<NonNullable<CardBase['closed']>['kind'], string> = {
  timeout: 'Nobody answered in time, so the server was told Cancel.',
  'cancelled-by-server': 'The server withdrew the request; nothing was sent.',
  'server-gone': 'The server stopped; nothing was sent.',
};

/** The banner of a card that ended without an answer, with its Dismiss button. */
export function closedBanner(closed: NonNullable<CardBase['closed']>, onDismiss: () => void): HTMLElement {
  return h(
    'div',
    { class: 'banner closed', role: 'status' },
    h('div', {}, icon(closed.kind === 'server-gone' ? 'debug-disconnect' : closed.kind === 'timeout' ? 'watch' : 'circle-slash'), ' ', h('strong', {}, closed.message)),
    h('p', { class: 'muted' }, CLOSED_NOTES[closed.kind]),
    h('div', { class: 'button-row' }, button('Dismiss', onDismiss, { secondary: true })),
  );
}

/** "Answers Cancel at 14:32 if nobody responds", or nothing without a deadline. */
export function deadlineNote(deadline: number | undefined): HTMLElement | undefined {
  if (deadline === undefined) return undefined;
  const at = clockTime(deadline);
  return h('span', { class: 'muted deadline' }, icon('watch'), ` Answers Cancel at ${at} if you do not respond`);
}

/** The server's message as plain text (never markup). */
export function messageBlock(message: string): HTMLElement {
  return h('p', { class: 'message' }, message);
}
