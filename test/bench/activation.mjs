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
//   node test/bench/activation.mjs [runs]
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
// BENCH_SERVER=1: one server entry in user settings (not started), whose entry the core then checks.
const servers = process.env.BENCH_SERVER === '1' ? { bench: { command: 'node', args: ['server.js'], autoStart: false } } : undefined;
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
ext.activate(ctx);
const t2 = performance.now();
// What the first view, command or auto-start server costs on top: the command's proxy loads the core.
const c3 = process.cpuUsage();
const t3 = performance.now();
void commands.get('mcpApprovalHost.refresh')();
const t4 = performance.now();
const c4 = process.cpuUsage(c3);
const firstUseRead = [...bundlesRead];
// What the first server connection adds on top since the packages load lazily (dist/sdk.js, plain require, no code cache).
const sdkFile = require('path').join(process.env.BENCH_REPO, 'dist', 'sdk.js');
const t5 = performance.now();
if (!servers && require('fs').existsSync(sdkFile)) require(sdkFile);
const sdkLoad = performance.now() - t5;
const cache = require('path').join(storage, 'code-cache');
// Exit once the code cache of each bundle loaded by first use is written.
const bundles = firstUseRead.filter((f) => f !== 'extension.js');
const written = () => require('fs').existsSync(cache) && bundles.every((f) => require('fs').readdirSync(cache).some((c) => c.startsWith(f + '.')));
const wait = (n) => (n <= 0 || written() ? process.stdout.write(JSON.stringify({ require: t1 - t0, activate: t2 - t1, firstUse: t4 - t3, firstUseCpu: (c4.user + c4.system) / 1000, sdkLoad, firstUseRead }), () => process.exit(0)) : setTimeout(() => wait(n - 1), 20));
wait(100);
`;

function once({ repo, storage }, cold, server = false) {
  if (cold) rmSync(join(storage, 'code-cache'), { recursive: true, force: true });
  const r = spawnSync(process.execPath, ['-e', child], { encoding: 'utf8', env: { ...process.env, BENCH_STORAGE: storage, BENCH_REPO: repo, BENCH_SERVER: server ? '1' : '0' } });
  if (r.status !== 0) throw new Error(r.stderr.split('\n').filter((l) => /Error|at /.test(l)).slice(0, 8).join('\n'));
  return JSON.parse(r.stdout);
}
// Each build its own storage, so its code cache.
const builds = [REPO, ...(against ? [against] : [])].map((repo) => ({ repo, storage: mkdtempSync(join(tmpdir(), 'mcp-approval-host-bench-')), warm: [], cold: [], server: [] }));
for (let i = 0; i < runs; i++) {
  for (const b of builds) {
    b.cold.push(once(b, true));
    b.warm.push(once(b, false));
    b.server.push(once(b, false, true));
  }
}
for (const b of builds) rmSync(b.storage, { recursive: true, force: true });
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
  console.log(`  first use with one server entry (not started) to check, with the code cache: median ${median(b.server.map((s) => s.firstUse)).toFixed(1)} ms, CPU ${median(b.server.map((s) => s.firstUseCpu)).toFixed(1)} ms (bundles it loads: ${serverRead.join(', ')})`);
  if (existsSync(join(b.repo, 'dist', 'sdk.js'))) console.log(`  then dist/sdk.js (the MCP SDKs…: loaded when a server connects or chat needs the gateway; with dist/zod.js where that exists), plain require: median ${median(b.cold.map((s) => s.sdkLoad)).toFixed(1)} ms`);
  const bundles = readdirSync(join(b.repo, 'dist')).filter((f) => f.endsWith('.js'));
  console.log(`  bundle sizes: ${bundles.map((f) => `${f} ${kb(b.repo, join('dist', f))}`).join(', ')}`);
  console.log(`  VSIX: ${kb(b.repo, 'dist/mcp-approval-host.vsix')}`);
}
if (against) {
  const [mine, theirs] = builds;
  const ratio = (k, pick) => (median(mine[k].map(pick)) / median(theirs[k].map(pick))).toFixed(2);
  console.log(`this build / --against: first use ${ratio('warm', (s) => s.firstUse)}x with the code cache, ${ratio('cold', (s) => s.firstUse)}x without; CPU time ${ratio('warm', (s) => s.firstUseCpu)}x and ${ratio('cold', (s) => s.firstUseCpu)}x; with a server entry ${ratio('server', (s) => s.firstUse)}x (CPU ${ratio('server', (s) => s.firstUseCpu)}x)`);
}
