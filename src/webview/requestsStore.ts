/**
 * The webview's copy of the Requests view state, kept current from the
 * extension's deltas. The extension owns the truth: a full state replaces
 * everything; deltas are merged here and nowhere else.
 */
import type { CardPatch, HistoryEntry, RequestCard, RequestsStatus, RequestsViewState } from '../shared/protocol';
import { applyCompletionDelta, type BlockView, type CompletionDelta, type MessageView } from '../shared/samplingProtocol';

export class RequestsStore {
  /** Pending cards by id, in arrival order (Map keeps insertion order). */
  readonly cards = new Map<string, RequestCard>();
  status: RequestsStatus = { serverCount: 0, runningCount: 0, samplingPaused: false };
  history: HistoryEntry[] = [];

  reset(state: RequestsViewState): void {
    this.cards.clear();
    for (const card of state.requests) this.cards.set(card.id, card);
    this.status = { serverCount: state.serverCount, runningCount: state.runningCount, samplingPaused: state.samplingPaused };
    this.history = state.history;
  }

  add(card: RequestCard): void {
    this.cards.set(card.id, card);
  }

  remove(id: string): boolean {
    return this.cards.delete(id);
  }

  /** Merges a patch; returns the new card, or undefined for an unknown id or a kind mismatch. */
  update(id: string, update: CardPatch): RequestCard | undefined {
    const card = this.cards.get(id);
    if (!card || card.kind !== update.kind) return undefined;
    const next = mergeCard(card, update);
    this.cards.set(id, next);
    return next;
  }

  /** Appends streamed text; returns the card when the delta applied (same run). */
  stream(id: string, delta: CompletionDelta): RequestCard | undefined {
    const card = this.cards.get(id);
    if (card?.kind !== 'sampling') return undefined;
    const completion = card.sampling.completion && { ...card.sampling.completion };
    if (!applyCompletionDelta(completion, delta)) return undefined;
    const next: RequestCard = { ...card, sampling: { ...card.sampling, completion } };
    this.cards.set(id, next);
    return next;
  }

  /** Open (not closed) requests per server, for "Reject all from this server". */
  openByServer(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const card of this.cards.values()) if (!card.closed) counts.set(card.server.name, (counts.get(card.server.name) ?? 0) + 1);
    return counts;
  }
}

function mergeCard(card: RequestCard, update: CardPatch): RequestCard {
  const closed = update.closed ?? card.closed;
  if (card.kind === 'sampling' && update.kind === 'sampling') {
    const patch = update.patch ?? {};
    const data = withUnset({ ...card.sampling, ...patch }, update.unset);
    // Updates carry text blocks only; the media the card came with stays.
    if (patch.messages) data.messages = mergeMessages(card.sampling.messages, patch.messages);
    return { ...card, closed, sampling: data };
  }
  if (card.kind === 'elicitation' && update.kind === 'elicitation') {
    return { ...card, closed, elicitation: withUnset({ ...card.elicitation, ...update.patch } as typeof card.elicitation, update.unset) };
  }
  return card;
}

function withUnset<T extends object>(value: T, unset: string[] | undefined): T {
  for (const key of unset ?? []) delete (value as Record<string, unknown>)[key];
  return value;
}

function mergeMessages(old: MessageView[], next: MessageView[]): MessageView[] {
  return next.map((m, i) => ({ ...m, blocks: m.blocks.map((b, j) => mergeBlock(old[i]?.blocks[j], b)) }));
}

function mergeBlock(old: BlockView | undefined, next: BlockView): BlockView {
  if (!old || old.kind !== next.kind) return next;
  if (next.kind === 'text') return next;
  if (next.kind === 'toolResult' && old.kind === 'toolResult') return { ...next, content: next.content.map((b, k) => mergeBlock(old.content[k], b)) };
  return old;
}
