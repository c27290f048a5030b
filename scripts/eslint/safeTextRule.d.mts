import type { ESLint, Rule } from 'eslint';

/** ESLint rule `local/safe-text` (see safeTextRule.mjs). */
export const safeTextRule: Rule.RuleModule;
declare const plugin: ESLint.Plugin;
export default plugin;
