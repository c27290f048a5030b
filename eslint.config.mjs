// ESLint flat config: typescript-eslint's recommended rules for all TypeScript,
// two type-checked rules (through the TypeScript project service), plus a guard that keeps `vscode` out of the host core and shared code, and
// one that lets server text reach VS Code's UI only through src/shared/safeText.ts.
import tseslint from 'typescript-eslint';
import local from './scripts/eslint/safeTextRule.mjs';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'artifacts/**', '**/*.d.ts'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-control-regex': 'off',
      eqeqeq: ['error', 'smart'],
    },
  },
  {
    // Type-checked rules: a promise nobody awaits or handles, and a switch over a union that misses a member.
    files: ['**/*.ts'],
    // scripts/package.ts is in no tsconfig (it runs through tsx): the default project checks it.
    languageOptions: { parserOptions: { projectService: { allowDefaultProject: ['scripts/package.ts'] }, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // node:test's describe/it return promises the runner itself tracks.
      '@typescript-eslint/no-floating-promises': ['error', { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite', 'before', 'after', 'beforeEach', 'afterEach'] }] }],
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
    },
  },
  {
    files: ['src/host/**/*.ts', 'src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'The host core and shared code run without VS Code.' }] }],
    },
  },
  {
    // Notifications, progress, quick picks, input boxes, tree items, status bar, panel titles.
    files: ['src/extension/**/*.ts'],
    plugins: { local },
    rules: { 'local/safe-text': 'error' },
  },
  {
    // The webview only renders what the host assessed: keep the Public Suffix List
    // (tldts, ~140 KB) out of its bundle, also through the elicitation barrel.
    files: ['src/webview/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'tldts', message: 'The host computes registrable domains; the webview only shows them.' }],
          patterns: [
            { regex: 'shared/elicitation(/index|/urlSafety)?$', allowTypeImports: true, message: 'Import values from the module itself (validate, formModel…), not the barrel that carries the Public Suffix List.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/webview/**/*.ts', 'src/shared/**/*.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { property: 'innerHTML', message: 'Never build HTML from strings: use textContent via dom.ts.' },
        { property: 'outerHTML', message: 'Never build HTML from strings.' },
        { property: 'insertAdjacentHTML', message: 'Never build HTML from strings.' },
      ],
    },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', URL: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
