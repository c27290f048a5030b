// Integration tests of the approval gate with real processes and a real HTTP
// server: a workspace-defined server spawns nothing and contacts nothing until
// its exact definition is approved; a changed definition stops and asks again;
// secrets taken from the environment never reach a log.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { configs, createTestHost, startHttpFixture, V1_STDIO, waitFor, type HostHarness } from '../support/hostHarness';

const SECRET_VAR = 'MCP_APPROVAL_TEST_SECRET';
const SECRET = `secret-${process.pid}-value`;
let dir: string;

function lines(file: string): Array<Record<string, unknown>> {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) : [];
}

async function running(h: HostHarness, name: string) {
  await waitFor(h.manager, () => h.manager.get(name)?.state.kind === 'running', 20_000, `${name} running`);
  return h.manager.get(name)!.connection!;
}

function stdioEntry(record: string, extra: Record<string, unknown> = {}) {
  return { command: process.execPath, args: [V1_STDIO, `--key=\${env:${SECRET_VAR}}`], env: { FIXTURE_RECORD: record, API_TOKEN: `\${env:${SECRET_VAR}}` }, ...extra };
}

before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'mcp-approval-'));
  process.env[SECRET_VAR] = SECRET;
});
after(() => {
  delete process.env[SECRET_VAR];
  rmSync(dir, { recursive: true, force: true });
});

describe('approval of workspace-defined servers', () => {
  it('starts nothing until approved, then runs; user servers start without asking', async () => {
    const record = path.join(dir, 'first.jsonl');
    const h = createTestHost();
    try {
      h.manager.applyConfig([...configs({ mine: { command: process.execPath, args: [V1_STDIO] } }, 'user'), ...configs({ theirs: stdioEntry(record) }, 'workspace')], true);
      await running(h, 'mine');
      // Give a wrongly started process time to write its record.
      await sleep(500);
      assert.deepEqual(lines(record), [], 'no process was started before the approval');
      const view = h.manager.get('theirs');
      assert.equal(view?.blocked, 'needsApproval');
      assert.equal(view?.state.kind, 'stopped');
      assert.deepEqual(h.manager.pendingApproval().map((s) => s.name), ['theirs']);
      await assert.rejects(h.manager.start('theirs'), /Needs approval/);
      await assert.rejects(h.manager.ensureRunning('theirs'), /Needs approval/);

      await h.manager.approve('theirs', view!.definitionHash);
      const connection = await running(h, 'theirs');
      // The SDK's era probe may start the process twice; the one connected is among the records.
      const started = lines(record) as Array<{ pid: number; argv: string[]; env: Record<string, string> }>;
      assert.ok(started.some((r) => r.pid === connection.pid), JSON.stringify(started.map((r) => r.pid)));
      // Once approved, the server gets what its definition says.
      assert.ok(started.every((r) => r.argv.join(' ') === `--key=${SECRET}` && r.env.API_TOKEN === SECRET));
    } finally {
      await h.dispose();
    }
  });

  it('stops a running server whose definition changes, and asks again; the approved definition runs again without asking', async () => {
    const record = path.join(dir, 'change.jsonl');
    const h = createTestHost();
    try {
      const original = configs({ w: stdioEntry(record) }, 'workspace');
      h.manager.applyConfig(original, true);
      await h.manager.approve('w');
      const pid = (await running(h, 'w')).pid;
      const startsBefore = lines(record).length;
      h.manager.applyConfig(configs({ w: stdioEntry(record, { args: [V1_STDIO, '--changed'] }) }, 'workspace'), true);
      await waitFor(h.manager, () => h.manager.get('w')?.state.kind === 'stopped', 10_000, 'stopped');
      assert.equal(h.manager.get('w')?.blocked, 'needsApproval');
      await sleep(300);
      assert.equal(lines(record).length, startsBefore, 'the changed definition did not start');
      h.manager.applyConfig(original, true);
      await running(h, 'w');
      assert.notEqual(h.manager.get('w')?.connection?.pid, pid);
    } finally {
      await h.dispose();
    }
  });

  it('a policy-only change by the repository also asks again, one the host announced does not', async () => {
    const h = createTestHost();
    try {
      h.manager.applyConfig(configs({ p: { command: process.execPath, args: [V1_STDIO] } }, 'workspace'), true);
      await h.manager.approve('p');
      await running(h, 'p');
      h.manager.expectOwnEdit('p', { samplingPolicy: 'auto' });
      h.manager.applyConfig(configs({ p: { command: process.execPath, args: [V1_STDIO], samplingPolicy: 'auto' } }, 'workspace'), true);
      assert.equal(h.manager.get('p')?.blocked, undefined);
      assert.equal(h.manager.get('p')?.state.kind, 'running');
      h.manager.applyConfig(configs({ p: { command: process.execPath, args: [V1_STDIO], samplingPolicy: 'approvePrompt' } }, 'workspace'), true);
      assert.equal(h.manager.get('p')?.blocked, 'needsApproval');
    } finally {
      await h.dispose();
    }
  });

  it('refuses an approval of a definition that changed while the person read it', async () => {
    const h = createTestHost();
    try {
      h.manager.applyConfig(configs({ r: { command: process.execPath, args: [V1_STDIO] } }, 'workspace'), true);
      const seen = h.manager.get('r')!.definitionHash;
      h.manager.applyConfig(configs({ r: { command: process.execPath, args: [V1_STDIO, '--other'] } }, 'workspace'), true);
      await assert.rejects(h.manager.approve('r', seen), /changed while you reviewed it/);
      assert.equal(h.manager.get('r')?.state.kind, 'stopped');
    } finally {
      await h.dispose();
    }
  });

  it('"Reset Server Trust" stops approved workspace servers and leaves user servers running', async () => {
    const h = createTestHost();
    try {
      h.manager.applyConfig([...configs({ mine: { command: process.execPath, args: [V1_STDIO] } }, 'user'), ...configs({ theirs: { command: process.execPath, args: [V1_STDIO] } }, 'workspace')], true);
      await h.manager.approve('theirs');
      await running(h, 'theirs');
      const minePid = (await running(h, 'mine')).pid;
      await h.manager.resetApprovals();
      assert.equal(h.manager.get('theirs')?.state.kind, 'stopped');
      assert.equal(h.manager.get('theirs')?.blocked, 'needsApproval');
      assert.equal(h.manager.get('mine')?.connection?.pid, minePid);
    } finally {
      await h.dispose();
    }
  });

  it('an HTTP server is not contacted before the approval: its URL and headers carry the secret only afterwards', async () => {
    const requestLog = path.join(dir, 'requests.jsonl');
    const fixture = await startHttpFixture('http-server.mjs', [], { FIXTURE_REQUEST_LOG: requestLog });
    const h = createTestHost();
    try {
      const url = `${fixture.url}?k=\${env:${SECRET_VAR}}`;
      h.manager.applyConfig(configs({ web: { type: 'http', url, headers: { 'X-Key': `\${env:${SECRET_VAR}}` } } }, 'workspace'), true);
      await sleep(500);
      assert.deepEqual(lines(requestLog), [], 'no request before the approval');
      await h.manager.approve('web');
      await running(h, 'web');
      const requests = lines(requestLog) as Array<{ url: string; headers: Record<string, string> }>;
      assert.ok(requests.length > 0);
      assert.ok(requests.every((r) => r.url.includes(`k=${SECRET}`) && r.headers['x-key'] === SECRET));
    } finally {
      await h.dispose();
      await fixture.stop();
    }
  });

  it('never writes a value taken from the environment to the server log or its stderr lines', async () => {
    const h = createTestHost();
    try {
      h.manager.applyConfig(configs({ leaky: { command: process.execPath, args: [V1_STDIO], env: { TOKEN: `\${env:${SECRET_VAR}}` } } }, 'user'), true);
      await running(h, 'leaky');
      await h.manager.callTool('leaky', 'stderr', { text: `the token is ${SECRET}` });
      // stderr arrives on its own pipe: poll for the line.
      for (let i = 0; i < 50 && !(h.logs.get('leaky')?.lines ?? []).some((l) => l.includes('the token is')); i++) await sleep(100);
      const log = (h.logs.get('leaky')?.lines ?? []).join('\n');
      assert.match(log, /the token is ••••/);
      assert.ok(!log.includes(SECRET), log);
      assert.ok(!h.manager.get('leaky')!.lastStderr.join('\n').includes(SECRET));
    } finally {
      await h.dispose();
    }
  });
});
