import { POLICY_REVIEW, type SamplingPolicy } from '../../shared/samplingPolicy';
import { PAUSED_REASON } from './budget';

/** The review steps a request needs, or why it is refused outright. */
export type PolicyDecision = { reviewPrompt: boolean; reviewCompletion: boolean } | { reject: string };

/** Maps a server's policy and the global pause switch to the review steps (pause wins over everything; unknown policies deny). */
export function decide(policy: SamplingPolicy, paused: boolean): PolicyDecision {
  if (paused) return { reject: PAUSED_REASON };
  // Fail closed on `deny` and on values that slipped past settings validation.
  const review = Object.hasOwn(POLICY_REVIEW, policy) ? POLICY_REVIEW[policy as keyof typeof POLICY_REVIEW] : undefined;
  return review ? { ...review } : { reject: 'Sampling is denied for this server by its samplingPolicy setting' };
}
