// Benchmark: round-trip time of one sampling request through the whole host
// (built by createHost: ServerManager → McpConnection → SamplingCoordinator
// with policy auto → RequestBroker → a zero-latency model, audit log on) next to a bare SDK Client that answers
// sampling/createMessage in code. Both talk to the v1 (legacy era) fixture over
// stdio and call its `sample` tool, which asks for one completion per call.
//
// The two alternate call by call, so both see the same load.
//
//   node --import tsx test/bench/samplingRoundTrip.ts [N] [warm-up]   (BENCH_AUDIT=0: audit log off)
import { performance } from 'node:perf_hooks';
import { Client } from '@modelcontextprotocol/client';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { configs, createTestHost, V1_STDIO, waitFor } from '../support/hostHarness';
import { lastText } from '../unit/samplingFakes';

const N = Number(process.argv[2] ?? 200);
const WARM_UP = Number(process.argv[3] ?? 20);

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

/** CPU time this process spent per side (the fixture servers run in their own processes). */
const cpu = { bare: 0, host: 0 };

/** Times one call (wall clock, and this process's CPU); checks the answer came from the zero-latency model. */
async function timed(call: Call, i: number, side: 'bare' | 'host'): Promise<number> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const text = await call(i);
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  cpu[side] += (c.user + c.system) / 1000;
  if (!text.startsWith('echo: ')) throw new Error(`unexpected tool result: ${text}`);
  return ms;
}

/**
 * Calls both clients warm-up + N times, alternating one call each (in turn
 * first), so that both see the same machine load: on a shared machine,
 * measuring one after the other compares two different moments.
 */
async function sideBySide(bare: Call, host: Call): Promise<{ bare: number[]; host: number[] }> {
  for (let i = 0; i < WARM_UP; i++) {
    await bare(i);
    await host(i);
  }
  const times = { bare: [] as number[], host: [] as number[] };
  for (let i = 0; i < N; i++) {
    if (i % 2 === 0) {
      times.bare.push(await timed(bare, i, 'bare'));
      times.host.push(await timed(host, i, 'host'));
    } else {
      times.host.push(await timed(host, i, 'host'));
      times.bare.push(await timed(bare, i, 'bare'));
    }
  }
  return times;
}

/** The host as the extension builds it (createHost), with its audit log on, running the fixture with policy auto. */
async function startHost(): Promise<{ call: Call; close(): Promise<void> }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-audit-'));
  const h = createTestHost(process.env.BENCH_AUDIT === '0' ? {} : { storage: { auditFile: path.join(dir, 'audit.jsonl') } });
  h.runner.script = (req) => [{ type: 'text', text: `echo: ${lastText(req)}` }];
  h.manager.applyConfig(configs({ fx: { command: process.execPath, args: [V1_STDIO], samplingPolicy: 'auto' } }), true);
  await waitFor(h.manager, () => h.manager.get('fx')?.state.kind === 'running', 20_000, 'fixture running');
  return {
    call: async (i) => {
      const r = await h.manager.callTool('fx', 'sample', { prompt: `p${i}` });
      // The test runner keeps every request for assertions; a real one keeps none (and the bare client has no such
      // list): do not let thousands of retained requests and signals weigh on the host side's garbage collection.
      h.runner.requests.length = 0;
      h.runner.signals.length = 0;
      return (r.content as Array<{ text?: string }>)[0]?.text ?? '';
    },
    close: async () => {
      await h.dispose();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A bare SDK Client that answers sampling/createMessage in code. */
async function startBare(): Promise<{ call: Call; close(): Promise<void> }> {
  const client = new Client({ name: 'bench-bare', version: '1.0.0' }, { capabilities: { sampling: { tools: {} } } });
  client.setRequestHandler('sampling/createMessage', async (request) => {
    const first = request.params.messages.at(-1);
    const block = Array.isArray(first?.content) ? first.content[0] : first?.content;
    return { role: 'assistant', content: { type: 'text', text: `echo: ${block?.type === 'text' ? block.text : ''}` }, model: 'bare', stopReason: 'endTurn' };
  });
  const transport = new StdioClientTransport({ command: process.execPath, args: [V1_STDIO], env: getDefaultEnvironment(), stderr: 'ignore' });
  await client.connect(transport);
  return {
    call: async (i) => {
      const r = await client.callTool({ name: 'sample', arguments: { prompt: `p${i}` } });
      return (r.content as Array<{ text?: string }>)[0]?.text ?? '';
    },
    close: () => client.close(),
  };
}

function row(label: string, s: Stats): string {
  return `${label.padEnd(34)} ${s.median.toFixed(3).padStart(9)} ${s.p95.toFixed(3).padStart(9)} ${s.mean.toFixed(3).padStart(9)}`;
}

async function main(): Promise<void> {
  const [bareClient, hostClient] = [await startBare(), await startHost()];
  let times: { bare: number[]; host: number[] };
  try {
    times = await sideBySide(bareClient.call, hostClient.call);
  } finally {
    await bareClient.close();
    await hostClient.close();
  }
  const [bare, host] = [stats(times.bare), stats(times.host)];
  console.log(`sampling round trip, v1 fixture over stdio, policy auto, zero-latency model; N=${N} each, alternating, after ${WARM_UP} warm-up calls (ms)`);
  console.log(`${''.padEnd(34)} ${'median'.padStart(9)} ${'p95'.padStart(9)} ${'mean'.padStart(9)}`);
  console.log(row('bare SDK Client (handler in code)', bare));
  console.log(row('MCP Approval Host (full stack)', host));
  console.log(`CPU of this process per round trip: bare ${(cpu.bare / N).toFixed(3)} ms, host ${(cpu.host / N).toFixed(3)} ms (${(cpu.host / cpu.bare).toFixed(2)}x; less sensitive to the machine's load than wall time)`);
  console.log(`ratio host/bare: median ${(host.median / bare.median).toFixed(2)}x, p95 ${(host.p95 / bare.p95).toFixed(2)}x; overhead median ${(host.median - bare.median).toFixed(3)} ms`);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
