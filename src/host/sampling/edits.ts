import { CARD_TEXT_CAP, type PromptEdits } from '../../shared/samplingProtocol';
import type { SamplingRequest } from './validation';

/** The request as it will run, and what the person changed. */
export interface AppliedEdits {
  request: SamplingRequest;
  /** Changed fields in audit notation: `systemPrompt`, `messages[1].content[0]`, `maxTokens`. */
  changed: string[];
  /** Set when `maxTokens` was edited above the server's ceiling and lowered to it. */
  clampedTo?: number;
}

/**
 * Applies the person's edits to the server's original request. Edits are
 * always relative to the original, so running again with the same edits is
 * idempotent. Texts the card only showed in part (longer than the card cap)
 * cannot be edited: their edits are refused rather than silently cutting
 * the text. An empty system prompt drops it (the spec lets clients drop it).
 */
export function applyEdits(original: SamplingRequest, baseMaxTokens: number, ceiling: number, edits: PromptEdits): AppliedEdits | { error: string } {
  const changed: string[] = [];
  const messages = original.messages.map((m) => ({ ...m, content: [...m.content] }));
  for (const edit of edits.messages) {
    const block = messages[edit.message]?.content[edit.block];
    if (!block || block.type !== 'text') return { error: `Cannot edit messages[${edit.message}].content[${edit.block}]: it is not a text block` };
    if (edit.text === block.text) continue;
    if (block.text.length > CARD_TEXT_CAP) return { error: `messages[${edit.message}] is too long to edit in the panel` };
    messages[edit.message].content[edit.block] = { ...block, text: edit.text };
    changed.push(`messages[${edit.message}].content[${edit.block}]`);
  }
  const request: SamplingRequest = { ...original, messages, maxTokens: baseMaxTokens };
  if (edits.systemPrompt !== undefined && edits.systemPrompt !== (original.systemPrompt ?? '')) {
    if ((original.systemPrompt ?? '').length > CARD_TEXT_CAP) return { error: 'The system prompt is too long to edit in the panel' };
    request.systemPrompt = edits.systemPrompt === '' ? undefined : edits.systemPrompt;
    changed.push('systemPrompt');
  }
  let clampedTo: number | undefined;
  if (edits.maxTokens !== undefined && edits.maxTokens !== baseMaxTokens) {
    request.maxTokens = Math.min(edits.maxTokens, ceiling);
    if (edits.maxTokens > ceiling) clampedTo = ceiling;
    if (request.maxTokens !== baseMaxTokens) changed.push('maxTokens');
  }
  return { request, changed, clampedTo };
}
