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

/**
 * Modules whose evaluation first use should not pay for: the MCP client SDK
 * (building its protocol's zod schemas was most of the cost of loading the
 * core; it loads when a server connects), zod itself (when there is a server
 * entry or a sampling request to check), the Public Suffix List (tldts, for
 * elicitation URLs), jose (for enterprise sign-in), and those of our own
 * modules that use them at their top level (zod schemas, a class that extends
 * the SDK's `Client`). An import of one of them from our
 * sources resolves to a small CommonJS facade whose exports are getters:
 * esbuild then reads them at each use (`mod.name`), and the first read
 * evaluates the real module, once (esbuild keeps a required ES module behind a
 * lazy initialiser). The same files are bundled once, types are unchanged, and
 * a use at the top level of an eagerly loaded module still loads it then: build
 * with MCP_HOST_LAZY_TRACE=1 to log what first evaluates each one.
 * @type {esbuild.Plugin}
 */
const LAZY_PACKAGES = /^(@modelcontextprotocol\/client(\/stdio|\/validators\/ajv)?|zod|tldts|jose)$/;
const LAZY_FILES = ['src/host/hostClient.ts', 'src/host/configSchema.ts', 'src/host/sampling/requestSchema.ts'].map((f) => path.resolve(f));
const lazyModules = {
  name: 'lazy-modules',
  setup(build) {
    const fileNames = new RegExp(`(^|/)(${LAZY_FILES.map((f) => path.basename(f, '.ts')).join('|')})(\\.ts)?$`);
    const facade = async (args, name) => {
      if (args.namespace !== 'file' || !/[\\/]src[\\/]/.test(args.importer)) return undefined;
      const real = await build.resolve(args.path, { kind: 'import-statement', resolveDir: args.resolveDir });
      if (real.errors.length) return { errors: real.errors };
      if (!name && !LAZY_FILES.includes(real.path)) return undefined;
      // A .cjs name: esbuild takes a .mjs path for an ES module whatever its contents.
      return { path: `${real.path}.lazy.cjs`, namespace: 'lazy-module', pluginData: { name, file: real.path } };
    };
    build.onResolve({ filter: LAZY_PACKAGES }, (args) => facade(args, args.path));
    build.onResolve({ filter: fileNames }, (args) => facade(args, undefined));
    build.onLoad({ filter: /.*/, namespace: 'lazy-module' }, async (args) => {
      const { name, file } = args.pluginData;
      const names = name
        ? // A package: the names Node sees for it (by name from here, so the same package esbuild resolved).
          Object.keys(await import(name)).filter((n) => n !== 'default')
        : // One of ours: the names esbuild sees it export.
          Object.values((await esbuild.build({ entryPoints: [file], bundle: false, write: false, metafile: true, format: 'esm', outdir: 'lazy' })).metafile.outputs)[0].exports;
      const trace = process.env.MCP_HOST_LAZY_TRACE ? `console.trace(${JSON.stringify(`lazy: ${name ?? path.relative(process.cwd(), file)}`)}), ` : '';
      const getters = names.map((n) => `${JSON.stringify(n)}: { enumerable: true, get: () => load()[${JSON.stringify(n)}] }`);
      return {
        contents: `let real;\nconst load = () => real ?? (${trace}real = require(${JSON.stringify(file)}));\nObject.defineProperties(exports, {\n${getters.join(',\n')}\n});\n`,
        loader: 'js',
        resolveDir: path.dirname(file),
      };
    });
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
  plugins: [zodEnglishOnly, lazyCore, oneAjvProvider, lazyModules],
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
