// Enterprise-managed sign-in (SEP-990) in a real VS Code (code-server +
// Chromium), against the OAuth fixture's enterprise IdP and protected server:
// "Sign in required" at start-up without a browser; the client secret through
// Set Client Secret… (secret storage); Sign In opens the IdP's page in a new
// tab; Allow returns through the loopback redirect; the host exchanges the ID
// token for an ID-JAG and that for tokens; a tool call works; neither the ID
// token nor the access token is in settings, logs or the workspace; Sign Out
// shows "Sign in required" again.
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

describe('enterprise-managed sign-in (SEP-990)', { timeout: 240000 }, () => {
  let vs;
  let fixture;
  const row = async (predicate, message) =>
    waitFor(async () => {
      const r = (await vs.readServersTree()).find((x) => x.label === 'corp');
      return r && predicate(r) ? r : null;
    }, 30000, { message });

  before(async () => {
    fixture = await startOAuthFixture();
    const corp = {
      type: 'http',
      url: fixture.url,
      grant: 'enterprise',
      clientId: 'enterprise-client',
      enterpriseIdp: { issuer: new URL('/idp', fixture.url).href, clientId: 'idp-public-client' },
    };
    vs = await startVsCode({ label: 'enterprise-sign-in', userSettings: { 'mcpApprovalHost.signIn.redirect': 'loopback', 'mcpApprovalHost.servers': { corp } } });
  });
  after(async () => {
    await vs?.stop();
    fixture?.stop();
  });

  test('signs in at the IdP, calls a tool, signs out', { timeout: 180000 }, async () => {
    try {
      await row((r) => /sign in required/i.test(r.description), 'corp shows Sign in required');
      assert.equal(vs.context.pages().length, 1, 'no browser tab opened by itself');

      await vs.runCommand('MCP Approval Host: Set Client Secret…');
      await vs.pickQuickItem('corp');
      await vs.submitQuickInput('enterprise-secret');
      await row((r) => /sign in required/i.test(r.description), 'still Sign in required with the secret set');

      const popup = vs.context.waitForEvent('page', { timeout: 30000 });
      await vs.runCommand('MCP Approval Host: Sign In');
      await vs.pickQuickItem('corp');
      const idp = await popup;
      await idp.waitForLoadState('domcontentloaded');
      assert.match(idp.url(), /\/idp\/authorize\?/);
      await vs.screenshot('enterprise-idp-page');
      await idp.getByRole('link', { name: 'Allow' }).click();
      await idp.getByText('You can close this tab').waitFor({ timeout: 15000 }).catch(async (err) => {
        throw new Error(`after Allow the browser shows ${idp.url()}: ${(await idp.content()).slice(0, 300)} (${err.message})`);
      });
      await idp.close();

      await row((r) => /running/i.test(r.description), 'corp running after sign-in');
      const result = await vs.invoke('mcpApprovalHost.callTool', 'corp', 'echo', { text: 'from the enterprise' });
      assert.deepEqual(result.content, [{ type: 'text', text: 'echo: from the enterprise' }]);

      const stats = await (await fetch(new URL('/stats', fixture.url))).json();
      assert.equal(stats.idpSignIns, 1);
      assert.ok(stats.idpExchanges >= 1 && stats.jwtBearerGrants >= 1, JSON.stringify(stats));
      assert.equal(stats.registrations, 0, 'no dynamic registration: the client is pre-registered');
      for (const [what, secret] of [['ID token', stats.lastIdToken], ['access token', stats.lastAccessToken], ['client secret', 'enterprise-secret']]) {
        assert.ok(secret.length > 10, what);
        assert.deepEqual(filesContaining(join(vs.userDataDir, 'User'), secret), [], `no ${what} in user settings or state`);
        assert.deepEqual(filesContaining(join(vs.userDataDir, 'logs'), secret), [], `no ${what} in any log`);
        assert.deepEqual(filesContaining(vs.workspaceDir, secret), [], `no ${what} in the workspace`);
      }

      await vs.runCommand('MCP Approval Host: Sign Out');
      await vs.pickQuickItem('corp');
      await row((r) => /sign in required/i.test(r.description), 'Sign in required again after Sign Out');
    } catch (err) {
      await vs.screenshot('fail-enterprise-sign-in').catch(() => {});
      throw err;
    }
  });
});
