/**
 * The sampling policy of a server, defined once: its names, its default, the
 * review steps each one asks for and the sentence the settings UI shows
 * (package.json's `enumDescriptions`; a unit test keeps them equal).
 */

/** All policies, in order of decreasing oversight. */
export const SAMPLING_POLICIES = ['ask', 'approvePrompt', 'auto', 'deny'] as const;

/**
 * How much review a server's sampling requests get:
 * - `ask`: the person reviews the prompt and the completion;
 * - `approvePrompt`: the prompt runs at once; the person still reviews the completion before it is sent;
 * - `auto`: no review (budgets, limits and the audit log still apply);
 * - `deny`: every request is refused.
 */
export type SamplingPolicy = (typeof SAMPLING_POLICIES)[number];

/** The policy of a server whose entry names none. */
export const DEFAULT_SAMPLING_POLICY: SamplingPolicy = 'ask';

/** The policies that let a request through to a card (deny never reaches one). */
export type CardPolicy = Exclude<SamplingPolicy, 'deny'>;

/** The review steps a request needs under each policy that lets it through. */
export const POLICY_REVIEW: Readonly<Record<CardPolicy, { reviewPrompt: boolean; reviewCompletion: boolean }>> = {
  ask: { reviewPrompt: true, reviewCompletion: true },
  approvePrompt: { reviewPrompt: false, reviewCompletion: true },
  auto: { reviewPrompt: false, reviewCompletion: false },
};

/** What each policy means, as the settings UI says it. */
export const SAMPLING_POLICY_DESCRIPTIONS: Readonly<Record<SamplingPolicy, string>> = {
  ask: 'Review the prompt before it runs and the completion before it is sent (default).',
  approvePrompt: 'Run the prompt at once; still review the completion before it is sent.',
  auto: 'Run and send without review (listed in History and the audit log).',
  deny: 'Refuse every sampling request from this server.',
};
