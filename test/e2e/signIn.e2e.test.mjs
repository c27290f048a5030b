// Sign-in to an OAuth-protected MCP server in a real VS Code (code-server
// 1.139.1 + Chromium): "Sign in required" at start-up without a browser,
// Sign In opens the authorization page in a new browser tab, Allow brings the
// redirect back (loopback on 127.0.0.1), a tool call works, Sign Out shows
// "Sign in required" again; the token is in no settings file and no log.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startVsCode } from './harness.mjs';
import { assertStoredNowhere, signInThroughBrowser, signOut, startOAuthFixture, waitForRow } from './signInSteps.mjs';

describe('sign-in to a remote MCP server', { timeout: 240000 }, () => {
  let vs;
  let fixture;
  const row = (predicate, message) => waitForRow(vs, 'remote', predicate, message);

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

      await signInThroughBrowser(vs, 'remote', /\/authorize\?/);

      await row((r) => /running/i.test(r.description), 'remote running after sign-in');
      const result = await vs.invoke('mcpApprovalHost.callTool', 'remote', 'echo', { text: 'from e2e' });
      assert.deepEqual(result.content, [{ type: 'text', text: 'echo: from e2e' }]);
      await vs.screenshot('signed-in');

      assertStoredNowhere(vs, (await fixture.stats()).lastAccessToken, 'token');

      await signOut(vs, 'remote');
      await vs.screenshot('signed-out');
    } catch (err) {
      await vs.screenshot('fail-sign-in').catch(() => {});
      throw err;
    }
  });
});
