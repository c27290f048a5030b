#!/usr/bin/env node
// Benchmark: what activation costs. Loads the production bundle (dist/extension.js)
// in fresh Node processes with a stub `vscode` module and prints the time to require
// it and to run activate() with no servers configured, median of N runs, plus sizes.
// Then what first use costs, the way the extension host pays it: a contributed
// command runs through the proxy activate() registered, which loads dist/core.js
// (through V8's code cache in the extension's storage) and creates the core.
// Cold: no code cache yet (the first window ever); warm: a later window. Then, where
// dist/sdk.js exists, what loading it costs (the first server connection pays it). Cold and
// warm runs alternate, so both see the same machine load.
// Then first use in a window with servers configured (a later window: every bundle it
// loads has its code cache): one entry that does not start by itself (first use checks it),
// and one that does (activate() loads the core; the fixture server test/fixtures/
// v1-stdio-server.mjs then connects, and a tool call is timed from the end of first use).
//   node test/bench/activation.mjs [runs] [--against <dir>]
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const argv = process.argv.slice(2);
const againstAt = argv.indexOf('--against');
const against = againstAt >= 0 ? resolve(argv.splice(againstAt, 2)[1] ?? '') : undefined;
if (against && !existsSync(join(against, 'dist', 'core.js'))) throw new Error(`--against ${against}: no dist/core.js there (build it with npm run build:prod)`);
const runs = Number(argv[0] ?? 15);
if (!existsSync(join(REPO, 'dist', 'extension.js')) || process.env.BENCH_BUILD !== '0') {
  execFileSync(process.execPath, [join(REPO, 'scripts', 'build.mjs'), '--production'], { cwd: REPO, stdio: 'inherit' });
}

// A child process: a Proxy stands in for every vscode API the extension touches.
const child = `
const Module = require('module');
const { performance } = require('perf_hooks');
const deep = () => new Proxy(function () {}, handler);
const store = new WeakMap();
const props = (t) => store.get(t) || (store.set(t, new Map()), store.get(t));
const handler = {
  get: (t, p) => (p === 'then' ? undefined : p === Symbol.toPrimitive ? () => 'stub' : props(t).has(p) ? props(t).get(p) : (props(t).set(p, deep()), props(t).get(p))),
  set: (t, p, v) => (props(t).set(p, v), true),
  apply: () => deep(),
  construct: () => deep(),
};
// A plain object (esbuild's ESM interop copies own properties) whose members are deep stubs.
const vscode = {};
for (const k of ['window', 'workspace', 'env', 'lm', 'languages', 'extensions', 'Uri', 'EventEmitter', 'Disposable', 'ThemeIcon', 'ThemeColor', 'TreeItem', 'TreeItemCollapsibleState', 'StatusBarAlignment', 'ViewColumn', 'ProgressLocation', 'ConfigurationTarget', 'InputBoxValidationSeverity', 'LanguageModelChatMessage', 'LanguageModelTextPart', 'LanguageModelToolCallPart', 'LanguageModelToolResultPart', 'LanguageModelDataPart', 'LanguageModelError', 'LanguageModelChatToolMode', 'LanguageModelChatMessageRole', 'CancellationTokenSource', 'MarkdownString', 'chat', 'McpHttpServerDefinition']) vscode[k] = deep();
vscode.workspace = deep();
// BENCH_SERVER=entry: one server entry in user settings (not started), whose entry the core then checks;
// BENCH_SERVER=auto: one that starts by itself (a real stdio server: BENCH_FIXTURE).
const mode = process.env.BENCH_SERVER;
const servers =
  mode === 'entry' ? { bench: { command: 'node', args: ['server.js'], autoStart: false } } : mode === 'auto' ? { bench: { command: process.execPath, args: [process.env.BENCH_FIXTURE] } } : undefined;
vscode.workspace.getConfiguration = () => ({ get: (k, d) => (k === 'servers' && servers ? servers : d), inspect: (k) => (k === 'servers' && servers ? { globalValue: servers } : {}) });
vscode.workspace.workspaceFolders = undefined;
vscode.workspace.isTrusted = true;
vscode.LogLevel = { Trace: 1 };
// The commands activate() registers, so that first use can run one as VS Code would.
const commands = new Map();
vscode.commands = { registerCommand: (id, fn) => (commands.set(id, fn), { dispose() {} }), executeCommand: async () => undefined };
const load = Module._load;
Module._load = function (request, ...rest) { return request === 'vscode' ? vscode : load.call(this, request, ...rest); };
// What createCore reads of the context: mementos (server approvals) and secret storage (sign-in).
function memento() { const m = new Map(); return { get: (k, d) => (m.has(k) ? m.get(k) : d), update: async (k, v) => void m.set(k, v), keys: () => [...m.keys()] }; }
// Which bundles first use reads (each is read once, when it loads): with a server entry, dist/sdk.js should not be.
const fs = require('fs');
const readFileSync = fs.readFileSync;
const bundlesRead = [];
fs.readFileSync = function (file, ...rest) {
  if (typeof file === 'string' && file.startsWith(require('path').join(process.env.BENCH_REPO, 'dist') + require('path').sep) && file.endsWith('.js')) bundlesRead.push(require('path').basename(file));
  return readFileSync.call(this, file, ...rest);
};
const t0 = performance.now();
const ext = require(require('path').join(process.env.BENCH_REPO, 'dist', 'extension.js'));
const t1 = performance.now();
const storage = process.env.BENCH_STORAGE;
const ctx = { subscriptions: [], extensionUri: vscode.Uri.file('/x'), extension: { packageJSON: { version: '0', contributes: require(require('path').join(process.env.BENCH_REPO, 'package.json')).contributes } }, globalStorageUri: { fsPath: storage }, workspaceState: memento(), globalState: memento(), secrets: { get: async () => undefined, store: async () => {}, delete: async () => {}, onDidChange: () => ({ dispose() {} }) } };
// A server that starts by itself: activate() loads the core (first use), so that counts too.
const c1 = process.cpuUsage();
ext.activate(ctx);
const t2 = performance.now();
const c2 = process.cpuUsage(c1);
// What the first view, command or auto-start server costs on top: the command's proxy loads the core.
const c3 = process.cpuUsage();
const t3 = performance.now();
void commands.get('mcpApprovalHost.refresh')();
const t4 = performance.now();
const c4 = process.cpuUsage(c3);
const firstUseRead = [...bundlesRead];
const firstUse = mode === 'auto' ? t2 - t1 + (t4 - t3) : t4 - t3;
const firstUseCpu = ((mode === 'auto' ? c2.user + c2.system : 0) + c4.user + c4.system) / 1000;
// What the first server connection adds on top since the packages load lazily (dist/sdk.js, plain require, no code cache).
const sdkFile = require('path').join(process.env.BENCH_REPO, 'dist', 'sdk.js');
const t5 = performance.now();
if (!servers && require('fs').existsSync(sdkFile)) require(sdkFile);
const sdkLoad = performance.now() - t5;
const cache = require('path').join(storage, 'code-cache');
const report = (extra) => process.stdout.write(JSON.stringify({ require: t1 - t0, activate: t2 - t1, firstUse, firstUseCpu, sdkLoad, firstUseRead, cached: require('fs').existsSync(cache) ? require('fs').readdirSync(cache).map((c) => c.replace(/\\..*/, '')) : [], ...extra }), () => process.exit(0));
// Exit once the code cache of each bundle loaded is written.
const written = () => { const read = bundlesRead.filter((f) => f !== 'extension.js'); return require('fs').existsSync(cache) && read.every((f) => require('fs').readdirSync(cache).some((c) => c.startsWith(f + '.'))); };
const wait = (n, extra) => (n <= 0 || written() ? report(extra) : setTimeout(() => wait(n - 1, extra), 20));
if (mode === 'auto') {
  // The server connects after first use: a tool call answered through it, then every process stopped.
  commands.get('mcpApprovalHost.callTool')('bench', 'echo', { text: 'hi' }).then(
    async (result) => {
      const connected = performance.now() - t4;
      if (result?.content?.[0]?.text !== 'echo: hi') throw new Error('unexpected tool result ' + JSON.stringify(result));
      const allRead = [...bundlesRead];
      await ext.deactivate();
      wait(100, { connected, allRead });
    },
    (err) => { process.stderr.write('Error: the autostarting server did not answer: ' + (err && err.stack || err) + '\\n'); process.exit(1); },
  );
} else wait(100);
`;

const FIXTURE = join(REPO, 'test', 'fixtures', 'v1-stdio-server.mjs');
function once({ repo, storage }, cold, server = '0') {
  if (cold) rmSync(join(storage, 'code-cache'), { recursive: true, force: true });
  // BENCH_CPU_PROF=<dir>: a CPU profile of each run (node --cpu-prof) to see where first use goes.
  const prof = process.env.BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_CPU_PROF] : [];
  const r = spawnSync(process.execPath, [...prof, '-e', child], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, BENCH_STORAGE: storage, BENCH_REPO: repo, BENCH_SERVER: server, BENCH_FIXTURE: FIXTURE } });
  if (r.status !== 0) throw new Error(r.stderr.split('\n').filter((l) => /Error|at /.test(l)).slice(0, 8).join('\n'));
  return JSON.parse(r.stdout);
}
// Each build its own storage, so its code cache; the runs with servers their own (the cold runs delete
// theirs), primed by one run that is not counted: a later window, every bundle it loads cached.
const store = () => mkdtempSync(join(tmpdir(), 'mcp-approval-host-bench-'));
const builds = [REPO, ...(against ? [against] : [])].map((repo) => ({ repo, storage: store(), entryStorage: store(), autoStorage: store(), warm: [], cold: [], server: [], auto: [] }));
for (const b of builds) {
  once({ repo: b.repo, storage: b.entryStorage }, false, 'entry');
  once({ repo: b.repo, storage: b.autoStorage }, false, 'auto');
}
for (let i = 0; i < runs; i++) {
  for (const b of builds) {
    b.cold.push(once(b, true));
    b.warm.push(once(b, false));
    b.server.push(once({ repo: b.repo, storage: b.entryStorage }, false, 'entry'));
    b.auto.push(once({ repo: b.repo, storage: b.autoStorage }, false, 'auto'));
  }
}
for (const b of builds) for (const dir of [b.storage, b.entryStorage, b.autoStorage]) rmSync(dir, { recursive: true, force: true });
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const kb = (repo, f) => (existsSync(join(repo, f)) ? `${(statSync(join(repo, f)).size / 1024).toFixed(1)} KB` : '-');
console.log(`activation benchmark (${runs} fresh processes${against ? ' per build, the builds alternating' : ''}, node ${process.version})`);
for (const b of builds) {
  if (against) console.log(`${b.repo === REPO ? 'this build' : `--against ${b.repo}`}:`);
  console.log(`  require dist/extension.js   median ${median(b.warm.map((s) => s.require)).toFixed(1)} ms`);
  console.log(`  activate() with no servers  median ${median(b.warm.map((s) => s.activate)).toFixed(1)} ms`);
  const coldUse = median(b.cold.map((s) => s.firstUse));
  const warmUse = median(b.warm.map((s) => s.firstUse));
  console.log(`  first use (a command loads dist/core.js and creates the core): median ${warmUse.toFixed(1)} ms with the code cache, ${coldUse.toFixed(1)} ms without (first window ever; ${(warmUse / coldUse).toFixed(2)}x)`);
  // CPU time: steadier than wall time on a machine others load.
  console.log(`    its CPU time: median ${median(b.warm.map((s) => s.firstUseCpu)).toFixed(1)} ms with the code cache, ${median(b.cold.map((s) => s.firstUseCpu)).toFixed(1)} ms without`);
  const serverRead = [...new Set(b.server.flatMap((s) => s.firstUseRead ?? []))].filter((f) => f !== 'extension.js');
  console.log(`  first use with one server entry (not started) to check, with the code caches: median ${median(b.server.map((s) => s.firstUse)).toFixed(1)} ms, CPU ${median(b.server.map((s) => s.firstUseCpu)).toFixed(1)} ms (bundles it loads: ${serverRead.join(', ')})`);
  const autoRead = [...new Set(b.auto.flatMap((s) => s.firstUseRead ?? []))].filter((f) => f !== 'extension.js');
  console.log(`  first use with one server that starts by itself (activate() loads the core), with the code caches: median ${median(b.auto.map((s) => s.firstUse)).toFixed(1)} ms, CPU ${median(b.auto.map((s) => s.firstUseCpu)).toFixed(1)} ms (bundles it loads: ${autoRead.join(', ')})`);
  // Each bundle is read once when it is evaluated: a bundle read twice would be a second instance (zod's classes, the SDKs').
  const reads = b.auto[0].allRead.filter((f) => f !== 'extension.js');
  const twice = reads.filter((f, i) => reads.indexOf(f) !== i);
  // Every bundle loaded has its V8 code cache (written after its load).
  const uncached = reads.filter((f) => !b.auto[0].cached.includes(f.replace(/\.js$/, '')));
  console.log(`    code caches written for: ${b.auto[0].cached.join(', ')}${uncached.length ? '; MISSING for ' + uncached.join(', ') : ''}`);
  console.log(`    then its connection: a tool call answered ${median(b.auto.map((s) => s.connected)).toFixed(1)} ms after first use (bundles read by then: ${reads.join(', ')}${twice.length ? '; READ TWICE: ' + twice.join(', ') : ', each once'})`);
  if (existsSync(join(b.repo, 'dist', 'sdk.js'))) console.log(`  then dist/sdk.js (the MCP SDKs…: loaded when a server connects or chat needs the gateway; with dist/zod.js where that exists), plain require: median ${median(b.cold.map((s) => s.sdkLoad)).toFixed(1)} ms`);
  const bundles = readdirSync(join(b.repo, 'dist')).filter((f) => f.endsWith('.js'));
  console.log(`  bundle sizes: ${bundles.map((f) => `${f} ${kb(b.repo, join('dist', f))}`).join(', ')}`);
  console.log(`  VSIX: ${kb(b.repo, 'dist/mcp-approval-host.vsix')}`);
}
if (against) {
  const [mine, theirs] = builds;
  const ratio = (k, pick) => (median(mine[k].map(pick)) / median(theirs[k].map(pick))).toFixed(2);
  console.log(`this build / --against: first use ${ratio('warm', (s) => s.firstUse)}x with the code cache, ${ratio('cold', (s) => s.firstUse)}x without; CPU time ${ratio('warm', (s) => s.firstUseCpu)}x and ${ratio('cold', (s) => s.firstUseCpu)}x; with a server entry ${ratio('server', (s) => s.firstUse)}x (CPU ${ratio('server', (s) => s.firstUseCpu)}x); with a server that starts by itself ${ratio('auto', (s) => s.firstUse)}x (CPU ${ratio('auto', (s) => s.firstUseCpu)}x)`);
}
