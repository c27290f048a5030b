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
import { startVsCode } from './harness.mjs';
import { assertStoredNowhere, signInThroughBrowser, signOut, startOAuthFixture, waitForRow } from './signInSteps.mjs';

describe('enterprise-managed sign-in (SEP-990)', { timeout: 240000 }, () => {
  let vs;
  let fixture;
  const row = (predicate, message) => waitForRow(vs, 'corp', predicate, message);

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

      await signInThroughBrowser(vs, 'corp', /\/idp\/authorize\?/, () => vs.screenshot('enterprise-idp-page'));

      await row((r) => /running/i.test(r.description), 'corp running after sign-in');
      const result = await vs.invoke('mcpApprovalHost.callTool', 'corp', 'echo', { text: 'from the enterprise' });
      assert.deepEqual(result.content, [{ type: 'text', text: 'echo: from the enterprise' }]);

      const stats = await fixture.stats();
      assert.equal(stats.idpSignIns, 1);
      assert.ok(stats.idpExchanges >= 1 && stats.jwtBearerGrants >= 1, JSON.stringify(stats));
      assert.equal(stats.registrations, 0, 'no dynamic registration: the client is pre-registered');
      for (const [what, secret] of [['ID token', stats.lastIdToken], ['access token', stats.lastAccessToken], ['client secret', 'enterprise-secret']]) {
        assertStoredNowhere(vs, secret, what);
      }

      await signOut(vs, 'corp');
    } catch (err) {
      await vs.screenshot('fail-enterprise-sign-in').catch(() => {});
      throw err;
    }
  });
});
