// Benchmark: a burst of sampling requests sent at once by a real stdio server
// (bench-server.mjs, outside any tool call) until the host core has every one
// open as a review entry (policy ask), in plain Node: no VS Code, no panel.
// This is the host core's share of issue 10's "200 requests sent at once: all
// on screen" figure.
//
//   node --import tsx test/bench/burst.ts [count] [rounds]   (add --cpu-prof to profile)
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { configs, createTestHost, ROOT, waitFor } from '../support/hostHarness';

const COUNT = Number(process.argv[2] ?? 200);
const ROUNDS = Number(process.argv[3] ?? 3);
const now = () => performance.timeOrigin + performance.now();

async function post(port: number, route: string, body: unknown): Promise<unknown> {
  const res = await fetch(`http://127.0.0.1:${port}${route}`, { method: 'POST', body: JSON.stringify(body) });
  return res.json();
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-burst-'));
  const h = createTestHost({ storage: { auditFile: path.join(dir, 'audit.jsonl') } });
  try {
    h.manager.applyConfig(
      configs({ bench: { command: process.execPath, args: [path.join(ROOT, 'test', 'bench', 'bench-server.mjs')], env: { BENCH_CONTROL_DIR: dir, FIXTURE_NAME: 'bench' }, samplingPolicy: 'ask' } }),
      true,
    );
    await waitFor(h.manager, () => h.manager.get('bench')?.state.kind === 'running', 20_000, 'bench server running');
    const control = path.join(dir, 'bench.json');
    while (!existsSync(control)) await new Promise((r) => setTimeout(r, 20));
    const { port } = JSON.parse(readFileSync(control, 'utf8')) as { port: number };
    const figures: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const prefix = `b${round}`;
      const allOpen = new Promise<number>((resolve) => {
        const sub = h.broker.onDidAdd(() => {
          if (h.broker.openCount >= COUNT) {
            sub.dispose();
            resolve(now());
          }
        });
      });
      // Every broker change becomes one message to the Requests view (requestsModel.ts).
      const changes = new Map<string, number>();
      // The extension updates its badge, status bar and notification once per turn of
      // the event loop (setTimeout 0): how many turns the burst's additions span.
      let turns = 0;
      let queued: ReturnType<typeof setTimeout> | undefined;
      const counting = h.broker.onDidChangeEntry((c) => {
        changes.set(c.type, (changes.get(c.type) ?? 0) + 1);
        queued ??= setTimeout(() => {
          queued = undefined;
          turns++;
        }, 0);
      });
      const c0 = process.cpuUsage();
      const { t0 } = (await post(port, '/burst', { prefix, count: COUNT })) as { t0: number };
      const t1 = await allOpen;
      const cpu = process.cpuUsage(c0);
      await new Promise((r) => setTimeout(r, 0));
      counting.dispose();
      figures.push(t1 - t0);
      const seen = [...changes].map(([type, n]) => `${type} ${n}`).join(', ');
      console.log(`round ${round}: ${COUNT} sent → ${COUNT} open entries: ${(t1 - t0).toFixed(1)} ms (this process's CPU ${((cpu.user + cpu.system) / 1000).toFixed(1)} ms; broker changes: ${seen}; in ${turns} turns)`);
      await post(port, '/cancel', { prefix });
      const closed = Date.now();
      while (h.broker.openCount > 0 && Date.now() - closed < 20_000) await new Promise((r) => setTimeout(r, 20));
    }
    figures.sort((a, b) => a - b);
    console.log(`median of ${ROUNDS}: ${figures[Math.floor(figures.length / 2)].toFixed(1)} ms`);
  } finally {
    await h.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
