import type { ReviewKind } from '../shared/protocol';

/** What the "Review" notification needs to know of one request added while the Requests view was hidden. */
export interface AddedRequest {
  kind: ReviewKind;
  server: string;
}

/** The one notification for the requests added in one turn of the event loop. */
export type ReviewNotice =
  | { type: 'one'; server: string; what: string }
  | { type: 'burst'; server: string; count: number }
  | { type: 'servers'; servers: number; count: number };

/**
 * Sums up the requests added in one turn: a server that sends 200 requests at
 * once raises one notification, not 200; one request keeps its own sentence.
 * The caller writes the text with `safe` (server names are server text).
 */
export function reviewNotice(added: readonly AddedRequest[]): ReviewNotice | undefined {
  if (added.length === 0) return undefined;
  if (added.length === 1) return { type: 'one', server: added[0].server, what: added[0].kind === 'sampling' ? 'wants a model completion' : 'asks for your input' };
  const servers = new Set(added.map((e) => e.server));
  return servers.size === 1 ? { type: 'burst', server: added[0].server, count: added.length } : { type: 'servers', servers: servers.size, count: added.length };
}
