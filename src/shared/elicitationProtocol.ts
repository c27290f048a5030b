/**
 * Elicitation cards and the person's actions on them (extension ↔ webview).
 * Owned by the elicitation feature; `protocol.ts` composes it.
 */

/** The view data of one elicitation request card. */
export interface ElicitationCard {
  /** Filled in by the elicitation feature. */
  message: string;
}

/** What the person can do on an elicitation card. */
export type ElicitationAction = { type: 'cancel' };

/** Validates an elicitation action coming from the webview (untrusted). */
export function parseElicitationAction(raw: unknown): ElicitationAction | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const a = raw as Record<string, unknown>;
  if (a.type === 'cancel') return { type: 'cancel' };
  return undefined;
}
