import type { RequestCard } from '../shared/protocol';

/**
 * One rendered card. The panel keeps one view per request id and calls
 * `update` with each new state, so a card can patch itself (streaming text,
 * status) without clobbering what the person is typing.
 */
export interface CardView {
  readonly element: HTMLElement;
  update(card: RequestCard): void;
  /** Only streamed text arrived (a `completionDelta`): patch that and nothing else. Absent: `update`. */
  stream?(card: RequestCard): void;
  dispose(): void;
}
