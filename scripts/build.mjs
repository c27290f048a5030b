#!/usr/bin/env node
// One esbuild script, two contexts: the extension (node, cjs, `vscode` external)
// and the webview (browser, esm). `--production` minifies and drops sourcemaps;
// `--watch` rebuilds on change; `--metafile` writes bundle analyses to dist/.
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { zodNames } from './zodNames.mjs';

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
      /[\\/]zod[\\/]v4[\\/](core|classic|mini)$/.test(args.resolveDir) ? { path: 'zod-locales-en', namespace: 'zod-locales' } : undefined,
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
 * What loading the core (first use) should not pay for, loaded instead on
 * first use of what needs it:
 * - packages, in dist/sdk.js (a bundle of their own, read and compiled only
 *   then): the MCP client SDK (building its protocol's zod schemas was most of
 *   the cost of loading the core; it loads when a server connects), the server
 *   SDK and its HTTP stack (the chat gateway), zod (the SDKs' and a
 *   sampling request's schemas: see zodBundle below), tldts (the Public Suffix
 *   List, for elicitation URLs), jose (enterprise sign-in), jsonc-parser
 *   (importing servers), cross-spawn (starting a stdio server);
 * - our own modules that do costly work at their top level (zod schemas, a
 *   class that extends the SDK's `Client`, Unicode script regular
 *   expressions), kept in core.js but evaluated on first use.
 * An import of one of them from our sources resolves to a small CommonJS
 * facade whose exports are getters for the names our sources import: esbuild
 * reads them at each use (`mod.name`), and the first read loads dist/sdk.js
 * or evaluates the module (esbuild keeps a required ES module behind a lazy
 * initialiser), once. Types are unchanged, and tests (tsx) import the real
 * modules. A use at the top level of a module evaluated with the core loads
 * the module then: build with MCP_HOST_LAZY_TRACE=1 to log what first loads each.
 *
 * zod is the exception: it is in dist/zod.js, a bundle of its own that the
 * SDKs and our sampling request schemas share. dist/sdk.js requires
 * `./zod.js` for the SDKs' zod, and its loader answers that with the instance
 * the core uses (see src/extension/lazyBundle.ts): zod is evaluated once, one
 * set of classes. dist/zod.js holds only the exports that dist/sdk.js and our
 * sources read (see zodNames), about half of zod. The server entries'
 * schemas (first use in any window with servers configured) are zod/mini, in
 * core.js (see src/host/configSchema.ts): checking an entry loads no bundle.
 * @type {esbuild.Plugin}
 */
const LAZY_PACKAGES = /^(@modelcontextprotocol\/(client(\/stdio|\/validators\/ajv)?|server|node)|zod|tldts|jose|jsonc-parser|cross-spawn)$/;
const LAZY_BUNDLE_LOADER = path.resolve('src/extension/lazyBundle.ts');
const LAZY_FILES = ['src/host/hostClient.ts', 'src/host/configSchema.ts', 'src/host/sampling/requestSchema.ts', 'src/shared/elicitation/scripts.ts'].map((f) => path.resolve(f));

/**
 * The names our sources import (as values) from each lazy module, keyed by
 * package name or file: the facade offers only those, so the rest of a
 * package is still tree-shaken away.
 */
function lazyImports() {
  const used = new Map();
  const add = (key, name) => (used.get(key) ?? used.set(key, new Set()).get(key)).add(name);
  for (const rel of readdirSync('src', { recursive: true })) {
    const file = path.resolve('src', rel);
    if (!/\.tsx?$/.test(file)) continue;
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest);
    for (const statement of source.statements) {
      if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
      const spec = statement.moduleSpecifier.text;
      const key = LAZY_PACKAGES.test(spec) ? spec : spec.startsWith('.') ? LAZY_FILES.find((f) => f === path.resolve(path.dirname(file), spec) + '.ts') : undefined;
      const clause = statement.importClause;
      if (!key || !clause || clause.isTypeOnly) continue;
      if (clause.name) add(key, 'default');
      const bindings = clause.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) throw new Error(`${file}: import names from ${spec}, not a namespace (it is loaded lazily, see lazyModules)`);
      for (const element of bindings?.elements ?? []) if (!element.isTypeOnly) add(key, (element.propertyName ?? element.name).text);
    }
  }
  return used;
}

const lazyModules = {
  name: 'lazy-modules',
  setup(build) {
    let used = new Map();
    build.onStart(() => void (used = lazyImports()));
    const fileNames = new RegExp(`(^|/)(${LAZY_FILES.map((f) => path.basename(f, '.ts')).join('|')})(\\.ts)?$`);
    const facade = async (args, pkg) => {
      if (args.namespace !== 'file' || !/[\\/]src[\\/]/.test(args.importer)) return undefined;
      const real = await build.resolve(args.path, { kind: 'import-statement', resolveDir: args.resolveDir });
      if (real.errors.length) return { errors: real.errors };
      if (!pkg && !LAZY_FILES.includes(real.path)) return undefined;
      // A .cjs name: esbuild takes a .mjs path for an ES module whatever its contents.
      return { path: `${real.path}.lazy.cjs`, namespace: 'lazy-module', pluginData: { key: pkg ?? real.path, pkg, file: real.path } };
    };
    build.onResolve({ filter: LAZY_PACKAGES }, (args) => facade(args, args.path));
    build.onResolve({ filter: fileNames }, (args) => facade(args, undefined));
    build.onLoad({ filter: /.*/, namespace: 'lazy-module' }, async ({ pluginData: { key, pkg, file } }) => {
      const names = [...(used.get(key) ?? [])];
      const trace = process.env.MCP_HOST_LAZY_TRACE ? `console.trace(${JSON.stringify(`lazy: ${path.relative(process.cwd(), key)}`)}), ` : '';
      const getter = (n, value) => `${JSON.stringify(n)}: { enumerable: true, get: () => ${value} }`;
      // `__esModule`: a default import reads the facade's `default`, not the facade itself.
      const facadeOf = (loader, read = (n) => getter(n, `load()[${JSON.stringify(n)}]`)) =>
        `let real;\nconst load = () => real ?? (${trace}real = ${loader});\nObject.defineProperties(exports, {\n__esModule: { value: true },\n${names.map(read).join(',\n')}\n});\n`;
      if (pkg === 'zod') {
        // zod: dist/zod.js (see zodBundle), loaded on first use. zod's `z` (its namespace) is
        // dist/zod.js's exports themselves: they hold every name a `z.name` of ours reads (see zodNames).
        const read = (n) => getter(n, n === 'z' ? 'load()' : `load()[${JSON.stringify(n)}]`);
        return { contents: `const { zodBundle } = require(${JSON.stringify(LAZY_BUNDLE_LOADER)});\n${facadeOf('zodBundle()', read)}`, loader: 'js', resolveDir: path.dirname(file) };
      }
      if (pkg) {
        // A package: it is in dist/sdk.js (see sdkEntry), loaded on first use.
        return { contents: `const { sdkBundle } = require(${JSON.stringify(LAZY_BUNDLE_LOADER)});\n${facadeOf(`sdkBundle()[${JSON.stringify(pkg)}]`)}`, loader: 'js', resolveDir: path.dirname(file) };
      }
      // One of ours, in this bundle behind an ES module that re-exports only these names, so that
      // esbuild keeps of it what they need (a required module keeps all its exports).
      const pick = `export { ${names.join(', ')} } from ${JSON.stringify(file)};`;
      return { contents: facadeOf('require("lazy-pick")'), loader: 'js', resolveDir: path.dirname(file), pluginData: { pick } };
    });
    build.onResolve({ filter: /^lazy-pick$/ }, (args) => ({ path: `${args.importer.replace(/\.lazy\.cjs$/, '')}.pick.mjs`, namespace: 'lazy-pick', pluginData: args.pluginData }));
    build.onLoad({ filter: /.*/, namespace: 'lazy-pick' }, (args) => ({ contents: args.pluginData.pick, loader: 'js', resolveDir: path.dirname(args.path) }));
    // dist/sdk.js is a file of its own next to core.js.
    build.onResolve({ filter: /^\.\/(sdk|zod)\.js$/ }, (args) => (args.importer === LAZY_BUNDLE_LOADER ? { path: args.path, external: true } : undefined));
  },
};

/**
 * The entry of dist/sdk.js: for each lazy package, an object of the names our
 * sources import from it, exported under the package's name (what the facades read).
 * @type {esbuild.Plugin}
 */
const sdkEntry = {
  name: 'sdk-entry',
  setup(build) {
    build.onResolve({ filter: /^lazy-sdk-entry$/ }, () => ({ path: 'sdk-entry.js', namespace: 'sdk-entry' }));
    build.onLoad({ filter: /.*/, namespace: 'sdk-entry' }, () => {
      const used = lazyImports();
      const lines = [];
      [...used].filter(([key]) => LAZY_PACKAGES.test(key) && key !== 'zod').forEach(([pkg, names], i) => {
        const list = [...names];
        const locals = list.map((n, j) => `${n === 'default' ? 'default' : n} as m${i}_${j}`);
        lines.push(`import { ${locals.join(', ')} } from ${JSON.stringify(pkg)};`);
        lines.push(`const m${i} = { ${list.map((n, j) => `${JSON.stringify(n)}: m${i}_${j}`).join(', ')} };`, `export { m${i} as ${JSON.stringify(pkg)} };`);
      });
      // Rebuilt (watch mode) when the sources' imports change.
      const watchFiles = readdirSync('src', { recursive: true }).map((f) => path.resolve('src', f)).filter((f) => /\.tsx?$/.test(f));
      return { contents: lines.join('\n'), loader: 'js', resolveDir: process.cwd(), watchFiles };
    });
  },
};

/**
 * In dist/sdk.js, zod (the SDKs import `zod/v4`, the same modules as `zod`)
 * is `require('./zod.js')`: the loader answers with the core's instance.
 * The files that import it are collected in `zodImporters` (see zodNames).
 * @type {esbuild.Plugin}
 */
const zodImporters = new Set();
const zodOutside = {
  name: 'zod-outside',
  setup(build) {
    build.onStart(() => zodImporters.clear());
    build.onResolve({ filter: /^zod(\/v4)?$/ }, (args) => (zodImporters.add(args.importer), { path: './zod.js', external: true }));
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

/** The lazily loaded packages (see lazyModules): evaluated when the core first needs one. */
const sdk = {
  ...common,
  entryPoints: { sdk: 'lazy-sdk-entry' },
  outdir: 'dist',
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  plugins: [sdkEntry, zodOutside, oneAjvProvider],
  mainFields: ['module', 'main'],
  conditions: ['node', 'require'],
};

/**
 * dist/zod.js: the parts of zod that dist/sdk.js and our sources use (see
 * zodNames; all of zod in watch mode), evaluated on first use of a schema,
 * before and without the SDKs (see lazyModules).
 * @param {Set<string> | undefined} names
 * @returns {esbuild.BuildOptions}
 */
const zod = (names) => ({
  ...common,
  stdin: { contents: names ? `export { ${[...names].sort().join(', ')} } from 'zod';` : "export * from 'zod';", resolveDir: process.cwd(), sourcefile: 'zod-entry.js' },
  outfile: 'dist/zod.js',
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  plugins: [zodEnglishOnly],
  mainFields: ['module', 'main'],
  conditions: ['node', 'require'],
});

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
  const contexts = await Promise.all([esbuild.context(extension), esbuild.context(sdk), esbuild.context(zod(undefined)), esbuild.context(webview)]);
  await Promise.all(contexts.map((c) => c.watch()));
  console.log('watching…');
} else {
  // dist/zod.js once dist/sdk.js is built: it offers the names that the SDKs there read (and ours).
  const zodAfterSdk = esbuild.build({ ...sdk, metafile: true }).then(async (result) => {
    const ours = readdirSync('src', { recursive: true }).map((f) => path.resolve('src', f)).filter((f) => /\.tsx?$/.test(f) && /from 'zod'/.test(readFileSync(f, 'utf8')));
    const names = zodNames([...zodImporters, ...ours]);
    if (names && zodImporters.size === 0) throw new Error('build: no module of dist/sdk.js imports zod (see zodOutside): dist/zod.js would lack what the SDKs need');
    // A name zod does not export (a local that shadows a namespace) is left out: nothing reads it from zod.
    const exported = names && new Set(Object.keys(await import('zod')));
    return [result, await esbuild.build(zod(names && new Set([...names].filter((n) => exported.has(n)))))];
  });
  const [ext, [sdkResult, zodResult], web] = await Promise.all([esbuild.build({ ...extension, metafile: true }), zodAfterSdk, esbuild.build(webview)]);
  // A name a lazy facade lacks would be undefined at run time: fail the build instead.
  const undefinedImports = ext.warnings.filter((w) => w.id === 'import-is-undefined');
  if (undefinedImports.length) throw new Error(`build: imports that would be undefined (see lazyModules): ${undefinedImports.map((w) => w.text).join('; ')}`);
  // A lazy package bundled into core.js too would be a second copy (its own classes and state).
  // zod/mini (with the zod core it builds on and English messages) is the exception: the server
  // entries' schemas (src/host/configSchema.ts), checked on first use without loading dist/zod.js.
  const inCore = Object.keys(ext.metafile.outputs['dist/core.js'].inputs).filter(
    (f) => /^node_modules\/(@modelcontextprotocol|zod|tldts|jose|jsonc-parser|cross-spawn)\//.test(f) && !/^node_modules\/zod\/(v4\/)?(mini|core)\/|^node_modules\/zod\/v4\/locales\/en\.js$/.test(f),
  );
  if (inCore.length) throw new Error(`build: lazily loaded packages also in core.js (import them from src/ only): ${inCore.slice(0, 5).join(', ')}`);
  // zod in dist/sdk.js too would be a second instance next to dist/zod.js's.
  const zodInSdk = Object.keys(sdkResult.metafile.outputs['dist/sdk.js'].inputs).filter((f) => f.startsWith('node_modules/zod/'));
  if (zodInSdk.length) throw new Error(`build: zod bundled into sdk.js besides zod.js (see zodOutside): ${zodInSdk.slice(0, 5).join(', ')}`);
  if (metafile) {
    writeFileSync('dist/meta-extension.json', JSON.stringify(ext.metafile));
    writeFileSync('dist/meta-sdk.json', JSON.stringify(sdkResult.metafile));
    writeFileSync('dist/meta-zod.json', JSON.stringify(zodResult.metafile));
    writeFileSync('dist/meta-webview.json', JSON.stringify(web.metafile));
  }
}
