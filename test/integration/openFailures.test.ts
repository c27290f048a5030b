// Opening a connection is the handshake AND the first fetch of the tool, prompt and
// resource lists. A server that completes the handshake and then fails or hangs on a
// list must not leave a live connection or child process behind, on any attempt of
// the restart loop.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { describe, it } from 'node:test';
import { alive, configs, createTestHost, FIXTURES, givenUp, type HostHarness } from '../support/hostHarness';

const HOSTILE = path.join(FIXTURES, 'hostile-server.mjs');

/** Pids of every process on the machine whose command line contains `marker`. */
function processesWith(marker: string): number[] {
  const out = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return out
    .split('\n')
    .filter((line) => line.includes(marker))
    .map((line) => Number.parseInt(line.trim(), 10));
}

/** The pids the fixture reported on stderr (`[fixture hostile] started … pid=N`), one per attempt. */
function startedPids(h: HostHarness, name: string): number[] {
  return (h.logs.get(name)?.lines ?? []).flatMap((line) => {
    const match = /\[stderr\] \[fixture hostile\] started .*pid=(\d+)/.exec(line);
    return match ? [Number(match[1])] : [];
  });
}

describe('a server that completes the handshake, then fails on a list', () => {
  for (const [what, list, mode, message] of [
    ['answers tools/list with an error', 'tools', 'list-error', /listing tools failed: tools\/list refused by the fixture/],
    ['never answers tools/list', 'tools', 'list-hang', /no answer within 1\.5 s while listing tools, prompts and resources/],
    ['never answers prompts/list', 'prompts', 'list-hang', /no answer within 1\.5 s while listing tools, prompts and resources/],
  ] as const) {
    it(`${what}: every attempt is closed and its process is gone`, async () => {
      const marker = `open-failure-${randomUUID()}`;
      const h = createTestHost({ timeouts: () => ({ connectMs: 1500, toolIdleMs: 5000, toolMaxMs: 10_000 }) });
      try {
        h.manager.applyConfig(configs({ lists: { command: process.execPath, args: [HOSTILE, marker], env: { HOSTILE_MODE: mode, HOSTILE_LIST: list } } }), true);
        const why = await givenUp(h, 'lists', 40_000);
        const pids = startedPids(h, 'lists');
        // Three attempts (the harness allows two restarts), each with its own process.
        assert.equal(pids.length, 3, (h.logs.get('lists')?.lines ?? []).join('\n'));
        for (const pid of pids) assert.equal(alive(pid), false, `process ${pid} of a failed attempt is still running`);
        assert.deepEqual(processesWith(marker), [], 'a process of the fixture survived');
        assert.equal(h.manager.get('lists')?.connection, undefined);
        assert.match(why, message);
      } finally {
        await h.dispose();
      }
    });
  }
});
