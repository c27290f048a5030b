// Benchmark: round-trip time of one sampling request through the whole host
// (built by createHost: ServerManager → McpConnection → SamplingCoordinator
// with policy auto → RequestBroker → a zero-latency model, audit log on) next to a bare SDK Client that answers
// sampling/createMessage in code. Both talk to the v1 (legacy era) fixture over
// stdio and call its `sample` tool, which asks for one completion per call.
//
//   node --import tsx test/bench/samplingRoundTrip.ts [N] [warm-up]
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

/** Calls `once` warm-up + N times in sequence; returns the N timings in ms. */
async function measure(once: (i: number) => Promise<string>): Promise<number[]> {
  for (let i = 0; i < WARM_UP; i++) await once(i);
  const times: number[] = [];
  for (let i = 0; i < N; i++) {
    const t0 = performance.now();
    const text = await once(i);
    times.push(performance.now() - t0);
    if (!text.startsWith('echo: ')) throw new Error(`unexpected tool result: ${text}`);
  }
  return times;
}

async function throughHost(): Promise<number[]> {
  // The host as the extension builds it (createHost), with its audit log on.
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-audit-'));
  const h = createTestHost({ storage: { auditFile: path.join(dir, 'audit.jsonl') } });
  h.runner.script = (req) => [{ type: 'text', text: `echo: ${lastText(req)}` }];
  h.manager.applyConfig(configs({ fx: { command: process.execPath, args: [V1_STDIO], samplingPolicy: 'auto' } }), true);
  try {
    await waitFor(h.manager, () => h.manager.get('fx')?.state.kind === 'running', 20_000, 'fixture running');
    return await measure(async (i) => {
      const r = await h.manager.callTool('fx', 'sample', { prompt: `p${i}` });
      return (r.content as Array<{ text?: string }>)[0]?.text ?? '';
    });
  } finally {
    await h.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function bareClient(): Promise<number[]> {
  const client = new Client({ name: 'bench-bare', version: '1.0.0' }, { capabilities: { sampling: { tools: {} } } });
  client.setRequestHandler('sampling/createMessage', async (request) => {
    const first = request.params.messages.at(-1);
    const block = Array.isArray(first?.content) ? first.content[0] : first?.content;
    return { role: 'assistant', content: { type: 'text', text: `echo: ${block?.type === 'text' ? block.text : ''}` }, model: 'bare', stopReason: 'endTurn' };
  });
  const transport = new StdioClientTransport({ command: process.execPath, args: [V1_STDIO], env: getDefaultEnvironment(), stderr: 'ignore' });
  await client.connect(transport);
  try {
    return await measure(async (i) => {
      const r = await client.callTool({ name: 'sample', arguments: { prompt: `p${i}` } });
      return (r.content as Array<{ text?: string }>)[0]?.text ?? '';
    });
  } finally {
    await client.close();
  }
}

function row(label: string, s: Stats): string {
  return `${label.padEnd(34)} ${s.median.toFixed(3).padStart(9)} ${s.p95.toFixed(3).padStart(9)} ${s.mean.toFixed(3).padStart(9)}`;
}

async function main(): Promise<void> {
  const bare = stats(await bareClient());
  const host = stats(await throughHost());
  console.log(`sampling round trip, v1 fixture over stdio, policy auto, zero-latency model; N=${N} after ${WARM_UP} warm-up calls (ms)`);
  console.log(`${''.padEnd(34)} ${'median'.padStart(9)} ${'p95'.padStart(9)} ${'mean'.padStart(9)}`);
  console.log(row('bare SDK Client (handler in code)', bare));
  console.log(row('MCP Approval Host (full stack)', host));
  console.log(`ratio host/bare: median ${(host.median / bare.median).toFixed(2)}x, p95 ${(host.p95 / bare.p95).toFixed(2)}x; overhead median ${(host.median - bare.median).toFixed(3)} ms`);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
