// Benchmark: round-trip time of one sampling request through the host core
// (createHost: ServerManager → McpConnection → SamplingCoordinator with policy
// auto → RequestBroker → a zero-latency model, audit log on) next to a bare SDK
// Client that answers sampling/createMessage in code. Both talk to the v1
// (legacy era) fixture over stdio and call its `sample` tool, which asks for one
// completion per call.
//
// The host is the one that ships: the production build's dist/core.js (which
// exports createHost for this) and the dist/sdk.js it loads on first use,
// built first (`npm run build:prod`; BENCH_BUILD=0 skips that when dist/ is
// fresh). The bare client is the published SDK from node_modules (the same
// package version that dist/sdk.js bundles), so both sides run the same SDK
// code, compiled the same way (tsx transforms neither: only this file's own
// few closures, on both sides alike). `--host=src` runs the TypeScript sources
// under tsx instead (the old way: tsx adds keepNames helpers the build has
// not); `--host=both` runs the two hosts and the bare client in turn.
//
// `--against=<dir>` adds the production build of another checkout (dist/ built
// there) as one more side: a before/after figure measured at the same moments.
// It may repeat (one side per directory).
//
// The sides alternate call by call (in rotating order), so all see the same load.
//
// `--layers` adds per-layer timestamps to every timed call, on every side alike
// (wrappers installed at run time around the transport's send and onmessage,
// the child's stdout 'data' event and the sampling handler), and prints the
// median of each layer: where a round trip's time goes, ours and the SDK's,
// next to the server's own time. The wrappers cost a few microseconds per call
// on each side: compare the layers with --layers, the totals without it.
//
//   node --import tsx test/bench/samplingRoundTrip.ts [N] [warm-up] [--host=dist|src|both] [--against=<dir>] [--layers]   (BENCH_AUDIT=0: audit log off)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/client';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import type { ConfigSource, ParsedConfig } from '../../src/host/config';
import type { createHost as CreateHost, HostEnv } from '../../src/host/createHost';
import type { VariableContext } from '../../src/host/variables';
import type { ModelRunner, ModelRunRequest } from '../../src/host/sampling/runner';
import type { ModelStreamPart } from '../../src/host/sampling/lmMessages';
import type { CreateMessageRequest, CreateMessageResult, JSONRPCMessage, Transport } from '@modelcontextprotocol/client';
import type { Readable } from 'node:stream';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const V1_STDIO = path.join(ROOT, 'test', 'fixtures', 'v1-stdio-server.mjs');

const positional = process.argv.slice(2).filter((a) => !a.startsWith('--'));
/** Other checkouts whose production builds run as more sides (their dist/ built already), for before/after figures; the option may repeat. */
const against = process.argv.filter((a) => a.startsWith('--against=')).map((a) => a.slice('--against='.length));
const hostOption = process.argv.find((a) => a.startsWith('--host='))?.slice('--host='.length) ?? 'dist';
if (!['dist', 'src', 'both'].includes(hostOption)) throw new Error(`--host=${hostOption}: use dist, src or both`);
const LAYERS = process.argv.includes('--layers');
const N = Number(positional[0] ?? 200);
const WARM_UP = Number(positional[1] ?? 20);

/** What the bench needs of a host core build: the composition root and the settings parser. */
interface CoreModule {
  createHost: typeof CreateHost;
  parseServersSetting(sources: ConfigSource[], ctx: VariableContext): ParsedConfig;
}

/**
 * dist/core.js, built for production. It imports `vscode` at its top (the
 * extension's glue); createHost touches none of it, so an empty stand-in is
 * enough to load it.
 */
function loadDistCore(root = ROOT): CoreModule {
  if (root === ROOT && process.env.BENCH_BUILD !== '0') execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'build.mjs'), '--production'], { cwd: ROOT, stdio: 'inherit' });
  const require = createRequire(import.meta.url);
  const Module = require('node:module') as { _load: (request: string, ...rest: unknown[]) => unknown };
  const load = Module._load;
  const vscode = new Proxy({}, { get: (_t, p) => (p === '__esModule' || p === 'then' ? undefined : class {}) });
  Module._load = function (request: string, ...rest: unknown[]) {
    return request === 'vscode' ? vscode : load.call(this, request, ...rest);
  };
  try {
    return require(path.join(root, 'dist', 'core.js')) as CoreModule;
  } finally {
    Module._load = load;
  }
}

/** The TypeScript sources under tsx (what this bench measured before). */
async function loadSrcCore(): Promise<CoreModule> {
  const [{ createHost }, { parseServersSetting }] = await Promise.all([import('../../src/host/createHost'), import('../../src/host/config')]);
  return { createHost, parseServersSetting };
}

interface Stats {
  median: number;
  p95: number;
  mean: number;
}

function stats(samples: number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { median: at(0.5), p95: at(0.95), mean: samples.reduce((a, b) => a + b, 0) / samples.length };
}

type Call = (i: number) => Promise<string>;

interface Side {
  label: string;
  call: Call;
  close(): Promise<void>;
  times: number[];
  /** CPU time of this process during this side's calls (the fixture servers run in their own processes), ms. */
  cpu: number;
  /** With --layers: the timestamps of the call in progress, and each layer's durations over the timed calls. */
  marks?: Marks;
  layers?: Map<Layer, number[]>;
}

/** The moments of one round trip, in order (performance.now()). */
interface Marks {
  start: number;
  /** tools/call handed to the transport's send. */
  sendCall?: number;
  /** First stdout bytes after that (the server's sampling request). */
  bytesRequest?: number;
  /** The sampling request out of the transport (framed, parsed, checked) into the client's onmessage. */
  gotRequest?: number;
  handlerIn?: number;
  handlerOut?: number;
  /** The sampling result handed to the transport's send. */
  sendResult?: number;
  /** First stdout bytes after that (the tool's result). */
  bytesResult?: number;
  gotResult?: number;
  end?: number;
}

/** The layers of a round trip, each between two marks; `server` layers are the fixture's (and the pipe's) time. */
const LAYER_SPANS = [
  ['call → send (caller, SDK request)', 'start', 'sendCall'],
  ['server: call → sampling request', 'sendCall', 'bytesRequest'],
  ['transport: bytes → message', 'bytesRequest', 'gotRequest'],
  ['SDK dispatch → handler', 'gotRequest', 'handlerIn'],
  ['sampling handler', 'handlerIn', 'handlerOut'],
  ['handler → send (SDK response)', 'handlerOut', 'sendResult'],
  ['server: result → tool result', 'sendResult', 'bytesResult'],
  ['transport: bytes → message (result)', 'bytesResult', 'gotResult'],
  ['result → caller (SDK, connection)', 'gotResult', 'end'],
] as const satisfies ReadonlyArray<readonly [string, keyof Marks, keyof Marks]>;
type Layer = (typeof LAYER_SPANS)[number][0];

/** Which mark a message passing through a transport sets (the round trip has four). */
function messageMark(direction: 'send' | 'receive', message: JSONRPCMessage): keyof Marks | undefined {
  const m = message as { method?: string; result?: unknown };
  if (direction === 'send') return m.method === 'tools/call' ? 'sendCall' : m.result !== undefined ? 'sendResult' : undefined;
  return m.method === 'sampling/createMessage' ? 'gotRequest' : m.result !== undefined ? 'gotResult' : undefined;
}

/**
 * Wraps a connected transport's send and onmessage and its child's stdout
 * (a listener put first), setting the marks of the side's call in progress.
 */
function instrument(side: Side, transport: Transport, stdout: Readable | null | undefined): void {
  const set = (key: keyof Marks) => {
    if (side.marks && side.marks[key] === undefined) side.marks[key] = performance.now();
  };
  const send = transport.send.bind(transport);
  transport.send = (message, options) => {
    const key = messageMark('send', message);
    if (key) set(key);
    return send(message, options);
  };
  const receive = transport.onmessage;
  if (!receive) throw new Error(`${side.label}: the transport has no onmessage to wrap`);
  transport.onmessage = (message, extra) => {
    const key = messageMark('receive', message);
    if (key) set(key);
    receive.call(transport, message, extra);
  };
  if (!stdout) throw new Error(`${side.label}: no child stdout to watch`);
  stdout.prependListener('data', () => {
    const marks = side.marks;
    if (!marks) return;
    if (marks.sendResult !== undefined) set('bytesResult');
    else if (marks.sendCall !== undefined) set('bytesRequest');
  });
}

/** Wraps an async handler so that it sets handlerIn and handlerOut. */
function timedHandler<A extends unknown[], R>(side: Side, handler: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  return async (...args) => {
    if (side.marks) side.marks.handlerIn = performance.now();
    try {
      return await handler(...args);
    } finally {
      if (side.marks) side.marks.handlerOut = performance.now();
    }
  };
}

/** Times one call (wall clock, and this process's CPU); checks the answer came from the zero-latency model. */
async function timed(side: Side, i: number): Promise<void> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  if (LAYERS) side.marks = { start: t0 };
  const text = await side.call(i);
  const t1 = performance.now();
  const ms = t1 - t0;
  const c = process.cpuUsage(c0);
  if (side.marks) side.marks.end = t1;
  side.cpu += (c.user + c.system) / 1000;
  if (text !== `echo: p${i}`) throw new Error(`${side.label}: unexpected tool result: ${text}`);
  side.times.push(ms);
  if (side.marks) {
    const marks = side.marks;
    side.marks = undefined;
    side.layers ??= new Map();
    for (const [layer, from, to] of LAYER_SPANS) {
      const a = marks[from];
      const b = marks[to];
      if (a === undefined || b === undefined) throw new Error(`${side.label}: no ${a === undefined ? from : to} mark in call ${i}`);
      const list = side.layers.get(layer) ?? [];
      list.push(b - a);
      side.layers.set(layer, list);
    }
  }
}

/**
 * Calls every side warm-up + N times, one call each in turn, the order rotating
 * every round, so that all see the same machine load: on a shared machine,
 * measuring one after the other compares two different moments.
 */
async function sideBySide(sides: Side[]): Promise<void> {
  for (let i = 0; i < WARM_UP; i++) for (const side of sides) await side.call(i);
  for (let i = 0; i < N; i++) {
    for (let k = 0; k < sides.length; k++) await timed(sides[(i + k) % sides.length], i);
  }
}

/** The last text the model received. */
function lastText(req: ModelRunRequest): string {
  const last = req.messages.at(-1)?.parts.at(-1);
  return last?.type === 'text' ? last.text : '';
}

/** A model that answers at once with an echo of the prompt, keeping nothing. */
const zeroLatencyModel: ModelRunner = {
  listModels: async () => [{ id: 'instant', name: 'Instant', vendor: 'bench', family: 'instant', version: '1', maxInputTokens: 100_000 }],
  onDidChangeModels: () => ({ dispose() {} }),
  async *stream(req: ModelRunRequest): AsyncIterable<ModelStreamPart> {
    yield { type: 'text', text: `echo: ${lastText(req)}` };
  },
};

const noLog = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };

/** A host as the extension builds it (createHost), with its audit log on, running the fixture with policy auto. */
async function startHost(label: string, core: CoreModule): Promise<Side> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-audit-'));
  const env: HostEnv = {
    clientInfo: { name: 'mcp-approval-host-bench', version: '0.0.0' },
    log: noLog,
    logFor: () => noLog,
    settings: { get: () => undefined },
    models: zeroLatencyModel,
    urlOpener: { confirmAndOpen: async () => 'dismissed' },
    roots: { roots: () => [], onDidChangeRoots: () => ({ dispose() {} }) },
    baseDir: () => ROOT,
    timeouts: () => ({ connectMs: 15_000, toolIdleMs: 10_000, toolMaxMs: 60_000 }),
    budgetDefaults: { requestsPerMinute: 0 },
    storage: process.env.BENCH_AUDIT === '0' ? undefined : { auditFile: path.join(dir, 'audit.jsonl') },
  };
  const host = core.createHost(env);
  const parsed = core.parseServersSetting([{ scope: 'user', value: { fx: { command: process.execPath, args: [V1_STDIO], samplingPolicy: 'auto' } } }], { userHome: tmpdir(), env: process.env, workspaceFolder: ROOT });
  if (parsed.issues.length) throw new Error(`bad bench config: ${JSON.stringify(parsed.issues)}`);
  host.manager.applyConfig(parsed.servers, true);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${label}: fixture not running after 20 s`)), 20_000);
    const check = () => {
      if (host.manager.get('fx')?.state.kind !== 'running') return;
      clearTimeout(timer);
      sub.dispose();
      resolve();
    };
    const sub = host.manager.onDidChange(check);
    check();
  });
  const side: Side = {
    label,
    times: [],
    cpu: 0,
    call: async (i) => {
      const r = await host.manager.callTool('fx', 'sample', { prompt: `p${i}` });
      return (r.content as Array<{ text?: string }>)[0]?.text ?? '';
    },
    close: async () => {
      await host.dispose();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  if (LAYERS) {
    // Private members, reached at run time for the wrappers only (a build keeps their names): the connection's
    // transport (HostStdioTransport, its child process) and the sampling handler it calls for each request.
    const connection = host.manager.get('fx')?.connection as unknown as { transport: Transport & { child?: { stdout: Readable | null } }; deps: { sampling: { createMessage: (...args: unknown[]) => Promise<unknown> } } };
    instrument(side, connection.transport, connection.transport.child?.stdout);
    const sampling = connection.deps.sampling;
    sampling.createMessage = timedHandler(side, sampling.createMessage.bind(sampling));
  }
  return side;
}

/** A bare SDK Client that answers sampling/createMessage in code. */
async function startBare(): Promise<Side> {
  const client = new Client({ name: 'bench-bare', version: '1.0.0' }, { capabilities: { sampling: { tools: {} } } });
  const side: Side = {
    label: 'bare SDK Client (handler in code)',
    times: [],
    cpu: 0,
    call: async (i) => {
      const r = await client.callTool({ name: 'sample', arguments: { prompt: `p${i}` } });
      return (r.content as Array<{ text?: string }>)[0]?.text ?? '';
    },
    close: () => client.close(),
  };
  const handler = async (request: CreateMessageRequest): Promise<CreateMessageResult> => {
    const first = request.params.messages.at(-1);
    const block = Array.isArray(first?.content) ? first.content[0] : first?.content;
    return { role: 'assistant', content: { type: 'text', text: `echo: ${block?.type === 'text' ? block.text : ''}` }, model: 'bare', stopReason: 'endTurn' };
  };
  client.setRequestHandler('sampling/createMessage', LAYERS ? timedHandler(side, handler) : handler);
  const transport = new StdioClientTransport({ command: process.execPath, args: [V1_STDIO], env: getDefaultEnvironment(), stderr: 'ignore' });
  await client.connect(transport);
  // The SDK's transport keeps its child in a private member: reached at run time for the wrappers only.
  if (LAYERS) instrument(side, transport, (transport as unknown as { _process?: { stdout: Readable | null } })._process?.stdout);
  return side;
}

function row(label: string, s: Stats, cpuPerCall: number): string {
  return `${label.padEnd(44)} ${s.median.toFixed(3).padStart(9)} ${s.p95.toFixed(3).padStart(9)} ${s.mean.toFixed(3).padStart(9)} ${cpuPerCall.toFixed(3).padStart(9)}`;
}

/** Each layer's median per side (ms), and the host's extra over the bare client in that layer. */
function printLayers(sides: Side[]): void {
  const [bare, ...hosts] = sides;
  console.log(`\nper layer, median ms (--layers: wrappers on every side; columns: ${sides.map((s, k) => `${k + 1} = ${s.label}`).join(', ')}; "+" = host 2 minus bare)`);
  console.log(`${''.padEnd(40)} ${sides.map((_s, k) => String(k + 1).padStart(8)).join(' ')} ${'+'.padStart(8)}`);
  const median = (side: Side, layer: Layer) => stats(side.layers?.get(layer) ?? [NaN]).median;
  for (const [layer] of LAYER_SPANS) {
    const extra = hosts[0] ? median(hosts[0], layer) - median(bare, layer) : NaN;
    console.log(`${layer.padEnd(40)} ${sides.map((side) => median(side, layer).toFixed(3).padStart(8)).join(' ')} ${extra.toFixed(3).padStart(8)}`);
  }
}

async function main(): Promise<void> {
  const sides: Side[] = [await startBare()];
  try {
    if (hostOption !== 'src') sides.push(await startHost('host core, production build (dist/)', loadDistCore()));
    if (hostOption !== 'dist') sides.push(await startHost('host core, TypeScript sources under tsx', await loadSrcCore()));
    for (const dir of against) sides.push(await startHost(`host core, build of ${path.basename(path.resolve(dir))}`, loadDistCore(path.resolve(dir))));
    await sideBySide(sides);
  } finally {
    for (const side of sides) await side.close();
  }
  const [bare, ...hosts] = sides;
  const bareStats = stats(bare.times);
  console.log(`sampling round trip, v1 fixture over stdio, policy auto, zero-latency model, audit ${process.env.BENCH_AUDIT === '0' ? 'off' : 'on'}; N=${N} each, alternating, after ${WARM_UP} warm-up calls (ms; CPU = this process's per call)`);
  console.log(`${''.padEnd(44)} ${'median'.padStart(9)} ${'p95'.padStart(9)} ${'mean'.padStart(9)} ${'CPU'.padStart(9)}`);
  console.log(row(bare.label, bareStats, bare.cpu / N));
  for (const host of hosts) {
    const s = stats(host.times);
    console.log(row(host.label, s, host.cpu / N));
  }
  if (LAYERS) printLayers(sides);
  for (const host of hosts) {
    const s = stats(host.times);
    console.log(`ratio ${host.label} / bare: median ${(s.median / bareStats.median).toFixed(2)}x, p95 ${(s.p95 / bareStats.p95).toFixed(2)}x, CPU ${(host.cpu / bare.cpu).toFixed(2)}x (less sensitive to the machine's load than wall time); overhead median ${(s.median - bareStats.median).toFixed(3)} ms`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
