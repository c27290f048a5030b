import { PAUSED_REASON } from './budget';

/**
 * How much review a server's sampling requests get:
 * - `ask`: the person reviews the prompt and the completion;
 * - `approvePrompt`: the prompt runs at once; the person still reviews the completion before it is sent
 *   (as the setting's description in package.json and the product spec say);
 * - `auto`: no review (budgets still apply);
 * - `deny`: every request is refused.
 */
export type SamplingPolicy = 'ask' | 'approvePrompt' | 'auto' | 'deny';

/** All policies, in order of decreasing oversight. */
export const SAMPLING_POLICIES: readonly SamplingPolicy[] = ['ask', 'approvePrompt', 'auto', 'deny'];

/** The review steps a request needs, or why it is refused outright. */
export type PolicyDecision = { reviewPrompt: boolean; reviewCompletion: boolean } | { reject: string };

/** Type guard for settings values. */
export function isSamplingPolicy(value: unknown): value is SamplingPolicy {
  return typeof value === 'string' && (SAMPLING_POLICIES as readonly string[]).includes(value);
}

/** Maps a server's policy and the global pause switch to the review steps (pause wins over everything; unknown policies deny). */
export function decide(policy: SamplingPolicy, paused: boolean): PolicyDecision {
  if (paused) return { reject: PAUSED_REASON };
  switch (policy) {
    case 'ask':
      return { reviewPrompt: true, reviewCompletion: true };
    case 'approvePrompt':
      return { reviewPrompt: false, reviewCompletion: true };
    case 'auto':
      return { reviewPrompt: false, reviewCompletion: false };
    case 'deny':
    default:
      // Fail closed on values that slipped past settings validation.
      return { reject: 'Sampling is denied for this server by its samplingPolicy setting' };
  }
}
