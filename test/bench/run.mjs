#!/usr/bin/env node
// Entry for `npm run bench`: the Node benchmarks first, then the in-browser one
// (code-server + Chromium, test/bench/browser.mjs). Stops at the first that fails.
//   npm run bench                      everything
//   npm run bench -- --browser-only    only the in-browser benchmark
//   npm run bench -- --node-only       only the Node benchmarks
import { spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const args = new Set(process.argv.slice(2));
const unknown = [...args].filter((a) => a !== '--browser-only' && a !== '--node-only');
if (unknown.length) {
  process.stderr.write(`unknown option ${unknown.join(' ')} (use --browser-only or --node-only)\n`);
  process.exit(2);
}

const tsx = ['--import', 'tsx'];
// activation.mjs builds the production bundle (dist/) first; samplingRoundTrip.ts runs the host core from it.
const built = { BENCH_BUILD: '0' };
const nodeBenchmarks = [
  ['test/bench/activation.mjs'],
  [...tsx, 'test/bench/samplingRoundTrip.ts', { env: built }],
  [...tsx, 'test/bench/faults.ts'],
  [...tsx, 'test/bench/burst.ts'],
];
const browserBenchmarks = [['test/bench/browser.mjs']];

const runs = [
  ...(args.has('--browser-only') ? [] : nodeBenchmarks),
  ...(args.has('--node-only') ? [] : browserBenchmarks),
];
for (const entry of runs) {
  const argv = entry.filter((a) => typeof a === 'string');
  const env = { ...process.env, ...entry.find((a) => typeof a === 'object')?.env };
  process.stderr.write(`\n> node ${argv.join(' ')}\n`);
  const r = spawnSync(process.execPath, argv, { cwd: REPO, stdio: 'inherit', env });
  if (r.status !== 0) {
    process.stderr.write(`bench: ${argv.at(-1)} exited with ${r.status ?? r.signal}\n`);
    process.exit(r.status || 1);
  }
}
