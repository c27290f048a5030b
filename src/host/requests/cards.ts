/**
 * Broker entries as the Requests view sees them: whole cards for the full
 * state and `cardAdded`, and patches for `cardUpdated` that leave out what the
 * view already has (media is sent with the card, never again).
 */
import type { ElicitationCard } from '../../shared/elicitationProtocol';
import type { CardPatch, RequestCard } from '../../shared/protocol';
import type { BlockView, MessageView, SamplingCard } from '../../shared/samplingProtocol';
import type { BrokerChange, BrokerEntry } from './broker';

/** The whole card of an entry. */
export function toCard(entry: BrokerEntry): RequestCard {
  const base = {
    id: entry.id,
    server: { name: entry.server, reportedName: entry.origin.reportedName },
    toolCall: entry.origin.toolCall,
    createdAt: entry.createdAt,
    deadline: entry.deadline,
    closed: entry.closed,
  };
  switch (entry.kind) {
    case 'sampling':
      return { ...base, kind: 'sampling', sampling: entry.card };
    case 'elicitation':
      return { ...base, kind: 'elicitation', elicitation: entry.card };
  }
}

/** The patch for an update: the changed fields, those cleared in `unset`, sampling messages without media. */
export function toPatch(change: Extract<BrokerChange, { type: 'updated' }>): CardPatch {
  const unset = change.patch ? Object.keys(change.patch).filter((k) => (change.patch as Record<string, unknown>)[k] === undefined) : [];
  const extra = { ...(change.closed && { closed: change.closed }), ...(unset.length > 0 && { unset }) };
  switch (change.entry.kind) {
    case 'sampling': {
      const patch = change.patch as Partial<SamplingCard> | undefined;
      // The webview keeps the media it got with the card; updates only ever change text blocks.
      return { kind: 'sampling', ...extra, ...(patch && { patch: patch.messages ? { ...patch, messages: patch.messages.map(withoutMedia) } : patch }) };
    }
    case 'elicitation':
      return { kind: 'elicitation', ...extra, ...(change.patch && { patch: change.patch as Partial<ElicitationCard> }) };
  }
}

function withoutMedia(message: MessageView): MessageView {
  return { ...message, blocks: message.blocks.map(stripBlock) };
}

function stripBlock(block: BlockView): BlockView {
  switch (block.kind) {
    case 'image':
    case 'audio': {
      const { data: _data, ...rest } = block;
      return rest;
    }
    case 'toolResult':
      return { ...block, content: block.content.map(stripBlock) };
    default:
      return block;
  }
}
