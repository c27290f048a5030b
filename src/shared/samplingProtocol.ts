/**
 * Sampling cards and the person's actions on them (extension ↔ webview).
 * Owned by the sampling feature; `protocol.ts` composes it.
 */

/** The view data of one sampling request card. */
export interface SamplingCard {
  /** Filled in by the sampling feature. */
  summary: string;
}

/** What the person can do on a sampling card. */
export type SamplingAction = { type: 'reject' };

/** Validates a sampling action coming from the webview (untrusted). */
export function parseSamplingAction(raw: unknown): SamplingAction | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const a = raw as Record<string, unknown>;
  if (a.type === 'reject') return { type: 'reject' };
  return undefined;
}
