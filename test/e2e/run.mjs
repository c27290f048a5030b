#!/usr/bin/env node
// Entry for `npm run test:e2e`: provisions (cached), builds the VSIX once, runs the
// end-to-end tests one file at a time, prints timings, exits non-zero on failure.
// Usage: node test/e2e/run.mjs [test files or name filters…]
//   e.g. node test/e2e/run.mjs smoke   → only files whose name contains "smoke"
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { provision } from './provision.mjs';
import { E2E_ARTIFACTS, REPO, ensureMainVsix, ensureTestModelVsix } from './harness.mjs';

const HERE = join(REPO, 'test', 'e2e');
const timings = [];
const started = Date.now();
const secs = (ms) => `${(ms / 1000).toFixed(1)} s`;
function timed(name, fn) {
  const t = Date.now();
  try {
    return fn();
  } finally {
    timings.push([name, Date.now() - t]);
  }
}

function report(code) {
  timings.push(['total', Date.now() - started]);
  process.stderr.write('\ne2e timings:\n');
  for (const [name, ms] of timings) process.stderr.write(`  ${name.padEnd(14)} ${secs(ms)}\n`);
  process.stderr.write(code === 0 ? 'e2e: PASS\n' : `e2e: FAIL (exit ${code})\n`);
}

mkdirSync(E2E_ARTIFACTS, { recursive: true });
const env = { ...process.env };
try {
  timed('provisioning', () => provision());
  env.E2E_PROVISIONED = '1';
} catch (err) {
  process.stderr.write(`${err.message}\n`);
  report(1);
  process.exit(1);
}

timed('build', () => {
  try {
    ensureMainVsix();
    env.E2E_SKIP_BUILD = '1';
    rmSync(join(E2E_ARTIFACTS, 'build-error.log'), { force: true });
  } catch (err) {
    // Keep going: tests that do not need the extension still run and report; the
    // others fail fast with this message instead of rebuilding.
    const file = join(E2E_ARTIFACTS, 'build-error.log');
    writeFileSync(file, err.message);
    env.E2E_BUILD_ERROR = file;
    process.stderr.write(`e2e: the extension did not build, see ${file}\n${err.message.slice(-2000)}\n`);
  }
  ensureTestModelVsix();
});

const filters = process.argv.slice(2);
const files = readdirSync(HERE)
  .filter((f) => f.endsWith('.e2e.test.mjs'))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x.replace(/^.*\//, ''))))
  .sort((a, b) => (a.startsWith('harness') ? -1 : b.startsWith('harness') ? 1 : a.localeCompare(b)))
  .map((f) => join(HERE, f));
if (files.length === 0) {
  process.stderr.write(`e2e: no test files match ${filters.join(' ')}\n`);
  process.exit(1);
}

const tTests = Date.now();
const reporter = process.env.E2E_REPORTER || 'spec';
// Own process group, so an interrupt or the overall timeout can stop every test file
// process; each of those kills its code-server and Chromium in its own exit handlers.
const child = spawn(process.execPath, ['--test', '--test-concurrency=1', `--test-reporter=${reporter}`, ...files], {
  cwd: REPO, env, stdio: 'inherit', detached: true,
});
const stopChild = (signal) => {
  try { process.kill(-child.pid, signal); } catch { /* gone */ }
};
const limitMs = Number(process.env.E2E_TIMEOUT_SECONDS || 1800) * 1000;
const timer = setTimeout(() => {
  process.stderr.write(`e2e: overall timeout (${secs(limitMs)}) reached, stopping\n`);
  stopChild('SIGTERM');
  setTimeout(() => stopChild('SIGKILL'), 5000).unref();
}, limitMs);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    stopChild('SIGTERM');
    setTimeout(() => stopChild('SIGKILL'), 5000).unref();
  });
}
child.on('exit', (code, signal) => {
  clearTimeout(timer);
  timings.push(['tests', Date.now() - tTests]);
  const exitCode = code ?? (signal ? 1 : 0);
  const final = exitCode === 0 && env.E2E_BUILD_ERROR ? 1 : exitCode;
  report(final);
  process.exit(final);
});
