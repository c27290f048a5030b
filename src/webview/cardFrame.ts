import type { RequestCard } from '../shared/protocol';
import { h, icon } from './dom';

/**
 * The frame every card shares: which server asks (always named), the tool
 * call that led to it, and the kind of request. Server strings are text only.
 */
export function cardFrame(card: RequestCard, title: string, body: HTMLElement): HTMLElement {
  const reported = card.server.reportedName && card.server.reportedName !== card.server.name ? h('span', { class: 'muted' }, ` (reports itself as “${card.server.reportedName}”)`) : undefined;
  const tool = card.toolCall
    ? h('div', { class: 'card-tool muted' }, icon('tools'), ` during tool call `, h('code', {}, card.toolCall.name), card.toolCall.ambiguous ? ' (one of several calls in flight)' : '', chatNote(card.toolCall.via))
    : undefined;
  return h(
    'article',
    { class: `card card-${card.kind}`, 'data-request-id': card.id, 'aria-label': `${title} from ${card.server.name}`, tabindex: '-1' },
    h('header', { class: 'card-header' }, icon(card.kind === 'sampling' ? 'sparkle' : 'question'), ' ', h('span', { class: 'card-title' }, title), ' from ', h('strong', { class: 'server' }, card.server.name), reported),
    tool,
    body,
  );
}

/** "from chat", with the conversation id VS Code sent (text only). */
function chatNote(via: NonNullable<RequestCard['toolCall']>['via']): string {
  if (!via) return '';
  return via.conversationId ? ` from chat (conversation ${via.conversationId})` : ' from chat';
}
