/**
 * Which writing systems a host label uses, to spot lookalike domains such as
 * "аpple" (Cyrillic а + Latin pple).
 */

const SCRIPTS: readonly (readonly [string, RegExp])[] = [
  ['Latin', /\p{Script=Latin}/u],
  ['Cyrillic', /\p{Script=Cyrillic}/u],
  ['Greek', /\p{Script=Greek}/u],
  ['Armenian', /\p{Script=Armenian}/u],
  ['Georgian', /\p{Script=Georgian}/u],
  ['Cherokee', /\p{Script=Cherokee}/u],
  ['Hebrew', /\p{Script=Hebrew}/u],
  ['Arabic', /\p{Script=Arabic}/u],
  ['Han', /\p{Script=Han}/u],
  ['Hiragana', /\p{Script=Hiragana}/u],
  ['Katakana', /\p{Script=Katakana}/u],
  ['Hangul', /\p{Script=Hangul}/u],
  ['Bopomofo', /\p{Script=Bopomofo}/u],
];

// Combinations that are normal in one label (Unicode TR39 "highly restrictive").
const ALLOWED_MIXES: readonly (readonly string[])[] = [
  ['Latin', 'Han', 'Hiragana', 'Katakana'],
  ['Latin', 'Han', 'Bopomofo'],
  ['Latin', 'Han', 'Hangul'],
];

const LETTER = /\p{L}/u;

/** The scripts of the letters in `label` (digits, hyphens and marks are neutral). */
export function scriptsOf(label: string): string[] {
  const found = new Set<string>();
  for (const char of label) {
    if (!LETTER.test(char)) continue;
    found.add(SCRIPTS.find(([, re]) => re.test(char))?.[0] ?? 'another script');
  }
  return [...found];
}

/** The scripts of the first label that mixes scripts in a suspicious way, if any. */
export function mixedScriptLabels(labels: readonly string[]): string[] | undefined {
  for (const label of labels) {
    const scripts = scriptsOf(label);
    if (scripts.length < 2) continue;
    if (!ALLOWED_MIXES.some((allowed) => scripts.every((s) => allowed.includes(s)))) return scripts;
  }
  return undefined;
}
