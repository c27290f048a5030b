// Sign-in to an OAuth-protected MCP server in a real VS Code (code-server
// 1.139.1 + Chromium): "Sign in required" at start-up without a browser,
// Sign In opens the authorization page in a new browser tab, Allow brings the
// redirect back (loopback on 127.0.0.1), a tool call works, Sign Out shows
// "Sign in required" again; the token is in no settings file and no log.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { FIXTURES, startVsCode, waitFor } from './harness.mjs';

async function startOAuthFixture() {
  const child = spawn(process.execPath, [join(FIXTURES, 'oauth-server.mjs')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = await once(createInterface({ input: child.stdout }), 'line');
  const url = /^LISTENING (\S+)$/.exec(line)?.[1];
  assert.ok(url, `fixture said ${line}`);
  return { url, stop: () => child.kill('SIGTERM') };
}

/** Every file under `dir` whose text contains `needle`. */
function filesContaining(dir, needle) {
  const hits = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const st = statSync(path);
    if (st.isDirectory()) hits.push(...filesContaining(path, needle));
    else if (st.size < 20_000_000 && readFileSync(path).includes(needle)) hits.push(path);
  }
  return hits;
}

describe('sign-in to a remote MCP server', { timeout: 240000 }, () => {
  let vs;
  let fixture;
  const row = async (predicate, message) =>
    waitFor(async () => {
      const r = (await vs.readServersTree()).find((x) => x.label === 'remote');
      return r && predicate(r) ? r : null;
    }, 30000, { message });

  before(async () => {
    fixture = await startOAuthFixture();
    vs = await startVsCode({
      label: 'sign-in',
      // User settings: a workspace-defined server would first wait for approval (workspaceTrust.e2e).
      userSettings: { 'mcpApprovalHost.signIn.redirect': 'loopback', 'mcpApprovalHost.servers': { remote: { type: 'http', url: fixture.url } } },
    });
  });
  after(async () => {
    await vs?.stop();
    fixture?.stop();
  });

  test('signs in, calls a tool, signs out', { timeout: 180000 }, async () => {
    try {
      await row((r) => /sign in required/i.test(r.description), 'remote shows Sign in required');
      assert.equal(vs.context.pages().length, 1, 'no browser tab opened by itself');
      await vs.screenshot('sign-in-required');

      const popup = vs.context.waitForEvent('page', { timeout: 30000 });
      await vs.runCommand('MCP Approval Host: Sign In');
      await vs.pickQuickItem('remote');
      const consent = await popup;
      await consent.waitForLoadState('domcontentloaded');
      assert.match(consent.url(), /\/authorize\?/);
      await consent.getByRole('link', { name: 'Allow' }).click();
      await consent.getByText('You can close this tab').waitFor({ timeout: 15000 }).catch(async (err) => {
        throw new Error(`after Allow the browser shows ${consent.url()}: ${(await consent.content()).slice(0, 300)} (${err.message})`);
      });
      await consent.close();

      await row((r) => /running/i.test(r.description), 'remote running after sign-in');
      const result = await vs.invoke('mcpApprovalHost.callTool', 'remote', 'echo', { text: 'from e2e' });
      assert.deepEqual(result.content, [{ type: 'text', text: 'echo: from e2e' }]);
      await vs.screenshot('signed-in');

      const stats = await (await fetch(new URL('/stats', fixture.url))).json();
      assert.ok(stats.lastAccessToken.length > 10);
      assert.deepEqual(filesContaining(join(vs.userDataDir, 'User'), stats.lastAccessToken), [], 'no token in user settings or state');
      assert.deepEqual(filesContaining(join(vs.userDataDir, 'logs'), stats.lastAccessToken), [], 'no token in any log');
      assert.deepEqual(filesContaining(vs.workspaceDir, stats.lastAccessToken), [], 'no token in the workspace');

      await vs.runCommand('MCP Approval Host: Sign Out');
      await vs.pickQuickItem('remote');
      await row((r) => /sign in required/i.test(r.description), 'Sign in required again after Sign Out');
      await vs.screenshot('signed-out');
    } catch (err) {
      await vs.screenshot('fail-sign-in').catch(() => {});
      throw err;
    }
  });
});
