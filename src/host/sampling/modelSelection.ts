import type { ModelPreferences } from '@modelcontextprotocol/client';

/** What the host knows about a chat model (the fields of `vscode.LanguageModelChat` it needs). */
export interface ModelInfo {
  id: string;
  name: string;
  vendor: string;
  family: string;
  version: string;
  maxInputTokens: number;
}

/** The outcome of {@link preselectModel}; `reason` is a sentence to show the person. */
export type ModelPreselection =
  | { model: ModelInfo; reason: string; how: 'hint' | 'priorities' | 'first' }
  | { model: undefined; reason: string };

/** Heuristic 0–1 traits of a model; `vscode.lm` exposes no price or speed, so these are guesses. */
export interface ModelTraits {
  cheapness: number;
  speed: number;
  intelligence: number;
}

type HintField = 'id' | 'family' | 'name' | 'vendor';
// Order of preference when several models match the same hint.
const HINT_FIELDS: readonly HintField[] = ['id', 'family', 'name', 'vendor'];

// Whole-word checks where a bare substring misleads ("gemini" contains "mini").
const SMALL = /haiku|flash|(?:^|[^a-z])(?:mini|nano|small|lite)(?:[^a-z]|$)/;
const LARGE = /opus|sonnet|gpt-5|(?:^|[^a-z0-9])(?:pro|large|o1|o3)(?:[^a-z0-9]|$)/;

/**
 * Whether a model passes a server's `allowedModels` list. Each entry is
 * compared case-insensitively with the model's `id`, its `family`, or
 * `vendor/family`. An absent or empty list allows every model.
 */
export function isModelAllowed(model: ModelInfo, allowed: readonly string[] | undefined): boolean {
  if (!allowed || allowed.length === 0) return true;
  const keys = [model.id, model.family, `${model.vendor}/${model.family}`].map((k) => k.toLowerCase());
  return allowed.some((entry) => keys.includes(entry.trim().toLowerCase()));
}

/**
 * Heuristic traits from the model's id, family and name:
 * - "small" if any contains haiku/flash or the word mini/nano/small/lite
 *   → cheapness 1, speed 1, tier intelligence 0.2;
 * - else "large" if any contains opus/sonnet/gpt-5 or the word pro/large/o1/o3
 *   → cheapness 0.2, speed 0.3, tier intelligence 1;
 * - else "medium" → 0.6 for all three.
 *
 * Context size is a weak intelligence signal:
 * `intelligence = 0.85 × tier + 0.15 × clamp(log2(maxInputTokens / 8192) / 5, 0, 1)`
 * (8k tokens or less adds nothing, 256k or more adds the full 0.15).
 */
export function modelTraits(model: ModelInfo): ModelTraits {
  const text = `${model.id} ${model.family} ${model.name}`.toLowerCase();
  const tier = SMALL.test(text) ? 'small' : LARGE.test(text) ? 'large' : 'medium';
  const [cheapness, speed, tierIntelligence] =
    tier === 'small' ? [1, 1, 0.2] : tier === 'large' ? [0.2, 0.3, 1] : [0.6, 0.6, 0.6];
  const tokens = model.maxInputTokens > 0 ? model.maxInputTokens : 1;
  const context = Math.min(1, Math.max(0, Math.log2(tokens / 8192) / 5));
  return { cheapness, speed, intelligence: round(0.85 * tierIntelligence + 0.15 * context) };
}

/**
 * Score of a model for the given priorities (absent priorities count as 0):
 * `costPriority × cheapness + speedPriority × speed + intelligencePriority × intelligence`
 * with the traits of {@link modelTraits}.
 */
export function scoreModel(model: ModelInfo, prefs: ModelPreferences): number {
  const t = modelTraits(model);
  return (prefs.costPriority ?? 0) * t.cheapness + (prefs.speedPriority ?? 0) * t.speed + (prefs.intelligencePriority ?? 0) * t.intelligence;
}

/**
 * Picks the model to preselect in the review panel (the person can change it):
 * 1. keep only models allowed by `allowed` (see {@link isModelAllowed});
 * 2. hints in order, each a case-insensitive substring of id / family / name /
 *    vendor; the first hint that matches any model wins, preferring an id match
 *    over family over name over vendor, then list order;
 * 3. otherwise, if any priority is above 0, the highest {@link scoreModel}
 *    (ties: list order);
 * 4. otherwise the first allowed model.
 */
export function preselectModel(
  models: readonly ModelInfo[],
  prefs: ModelPreferences | undefined,
  allowed?: readonly string[],
): ModelPreselection {
  if (models.length === 0) return { model: undefined, reason: 'No language models are available in VS Code' };
  const candidates = models.filter((m) => isModelAllowed(m, allowed));
  if (candidates.length === 0) {
    const list = (allowed ?? []).map((a) => `"${a}"`).join(', ');
    return {
      model: undefined,
      reason: `None of the ${models.length} available models matches this server's allowedModels (${list})`,
    };
  }
  const hinted = byHints(candidates, prefs);
  if (hinted) return hinted;
  const hadHints = (prefs?.hints ?? []).some((h) => h.name?.trim());
  const prefix = hadHints ? 'No hint matched; ' : '';
  const scored = byPriorities(candidates, prefs, prefix);
  if (scored) return scored;
  const first = candidates[0];
  const why = hadHints ? 'no hint matched and no priorities were given' : 'the server gave no preferences';
  return { model: first, reason: `First available model, ${first.name} (${why})`, how: 'first' };
}

function byHints(candidates: readonly ModelInfo[], prefs: ModelPreferences | undefined): ModelPreselection | undefined {
  for (const hint of prefs?.hints ?? []) {
    const needle = hint.name?.trim().toLowerCase();
    if (!needle) continue;
    for (const field of HINT_FIELDS) {
      const model = candidates.find((m) => m[field].toLowerCase().includes(needle));
      if (model) {
        return { model, reason: `Matched hint "${hint.name}" (${field} ${model[field]})`, how: 'hint' };
      }
    }
  }
  return undefined;
}

function byPriorities(
  candidates: readonly ModelInfo[],
  prefs: ModelPreferences | undefined,
  prefix: string,
): ModelPreselection | undefined {
  if (!prefs) return undefined;
  const { intelligencePriority: i = 0, speedPriority: s = 0, costPriority: c = 0 } = prefs;
  if (i <= 0 && s <= 0 && c <= 0) return undefined;
  let best = candidates[0];
  let bestScore = scoreModel(best, prefs);
  for (const model of candidates.slice(1)) {
    const score = scoreModel(model, prefs);
    if (score > bestScore) [best, bestScore] = [model, score];
  }
  const head = `${prefix}${prefix ? 'h' : 'H'}ighest score for intelligence ${i} / speed ${s} / cost ${c}`;
  return { model: best, reason: `${head}: ${best.name} (family ${best.family})`, how: 'priorities' };
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
