#!/usr/bin/env node
// One esbuild script, two contexts: the extension (node, cjs, `vscode` external)
// and the webview (browser, esm). `--production` minifies and drops sourcemaps;
// `--watch` rebuilds on change; `--metafile` writes bundle analyses to dist/.
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const metafile = process.argv.includes('--metafile');

/**
 * zod re-exports every message locale as a namespace, which defeats tree
 * shaking (about 200 KB). Only English messages are used: resolve the locale
 * index to a module that exports `en` alone.
 * @type {esbuild.Plugin}
 */
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]v4[\\/](core|classic)$/.test(args.resolveDir) ? { path: 'zod-locales-en', namespace: 'zod-locales' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'zod-locales' }, () => ({
      contents: "export { default as en } from 'zod/v4/locales/en.js';",
      resolveDir: process.cwd(),
    }));
  },
};

/**
 * The MCP client and server packages (the server one for the chat gateway)
 * each ship the same bundled JSON schema validator (ajv, about 150 KB
 * minified). When the two files are the same code, the server's import
 * resolves to the client's copy, so it is bundled once.
 * @type {esbuild.Plugin}
 */
const oneAjvProvider = {
  name: 'one-ajv-provider',
  setup(build) {
    const find = (pkg) => {
      const dir = path.resolve(`node_modules/@modelcontextprotocol/${pkg}/dist`);
      const file = readdirSync(dir).find((f) => /^ajvProvider-[\w-]+\.mjs$/.test(f));
      return file && path.join(dir, file);
    };
    const client = find('client');
    const server = find('server');
    // Equal but for the hashed names of sibling chunks (same exports) and the source map comment.
    const code = (file) => readFileSync(file, 'utf8').replace(/-[\w-]{8}\.mjs(\.map)?/g, '');
    if (!client || !server || code(client) !== code(server)) return;
    build.onResolve({ filter: /^\.\/ajvProvider-[\w-]+\.mjs$/ }, (args) => (path.resolve(args.resolveDir, args.path) === server ? { path: client } : undefined));
  },
};

/** @type {esbuild.BuildOptions} */
const common = {
  bundle: true,
  minify: production,
  sourcemap: production ? false : 'linked',
  legalComments: 'none',
  logLevel: 'warning',
  metafile,
  define: { 'process.env.NODE_ENV': production ? '"production"' : '"development"' },
};

/**
 * The activation entry requires `./core.js` on demand: keep it out of the
 * entry bundle so activation does not load the MCP SDK.
 * @type {esbuild.Plugin}
 */
const lazyCore = {
  name: 'lazy-core',
  setup(build) {
    build.onResolve({ filter: /^\.\/core\.js$/ }, (args) => (args.importer.endsWith('extension.ts') ? { path: './core.js', external: true } : undefined));
  },
};

const extension = {
  ...common,
  entryPoints: { extension: 'src/extension/extension.ts', core: 'src/extension/core.ts' },
  outdir: 'dist',
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['vscode'],
  plugins: [zodEnglishOnly, lazyCore, oneAjvProvider],
  mainFields: ['module', 'main'],
  conditions: ['node', 'require'],
};

const webview = {
  ...common,
  entryPoints: ['src/webview/main.ts'],
  outfile: 'dist/webview.js',
  platform: 'browser',
  format: 'esm',
  target: 'es2022',
};

// The codicon font and its stylesheet ship next to the webview bundle.
mkdirSync('dist/codicons', { recursive: true });
for (const file of ['codicon.css', 'codicon.ttf']) copyFileSync(`node_modules/@vscode/codicons/dist/${file}`, `dist/codicons/${file}`);

if (watch) {
  const contexts = await Promise.all([esbuild.context(extension), esbuild.context(webview)]);
  await Promise.all(contexts.map((c) => c.watch()));
  console.log('watching…');
} else {
  const results = await Promise.all([esbuild.build(extension), esbuild.build(webview)]);
  if (metafile) {
    writeFileSync('dist/meta-extension.json', JSON.stringify(results[0].metafile));
    writeFileSync('dist/meta-webview.json', JSON.stringify(results[1].metafile));
  }
}
