// Steps shared by the sign-in e2e tests (signIn, enterpriseSignIn): the OAuth
// fixture, a wait on one server's row in the Servers view, the browser round
// trip of Sign In, and the check that a secret was written nowhere on disk.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { FIXTURES, waitFor } from './harness.mjs';

/** Starts test/fixtures/oauth-server.mjs (authorization server, IdP and protected MCP server). */
export async function startOAuthFixture() {
  const child = spawn(process.execPath, [join(FIXTURES, 'oauth-server.mjs')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = await once(createInterface({ input: child.stdout }), 'line');
  const url = /^LISTENING (\S+)$/.exec(line)?.[1];
  assert.ok(url, `fixture said ${line}`);
  return {
    url,
    /** The fixture's counters and the last tokens it issued. */
    stats: async () => (await fetch(new URL('/stats', url))).json(),
    stop: () => child.kill('SIGTERM'),
  };
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

/** Asserts that `secret` (`what` names it) is in no user settings or state, no log and no workspace file. */
export function assertStoredNowhere(vs, secret, what) {
  assert.ok(secret.length > 10, what);
  assert.deepEqual(filesContaining(join(vs.userDataDir, 'User'), secret), [], `no ${what} in user settings or state`);
  assert.deepEqual(filesContaining(join(vs.userDataDir, 'logs'), secret), [], `no ${what} in any log`);
  assert.deepEqual(filesContaining(vs.workspaceDir, secret), [], `no ${what} in the workspace`);
}

/** Waits until the Servers view row labelled `label` satisfies `predicate`; resolves to the row. */
export function waitForRow(vs, label, predicate, message) {
  return waitFor(async () => {
    const r = (await vs.readServersTree()).find((x) => x.label === label);
    return r && predicate(r) ? r : null;
  }, 30000, { message });
}

/**
 * Runs Sign In for `server`, checks that the page that opens in a new tab
 * matches `pagePattern`, calls `onPage(page)` (for a screenshot), clicks Allow
 * and waits until the loopback redirect has been answered.
 */
export async function signInThroughBrowser(vs, server, pagePattern, onPage = async () => {}) {
  const popup = vs.context.waitForEvent('page', { timeout: 30000 });
  await vs.runCommand('MCP Approval Host: Sign In');
  await vs.pickQuickItem(server);
  const page = await popup;
  await page.waitForLoadState('domcontentloaded');
  assert.match(page.url(), pagePattern);
  await onPage(page);
  await page.getByRole('link', { name: 'Allow' }).click();
  await page.getByText('You can close this tab').waitFor({ timeout: 15000 }).catch(async (err) => {
    throw new Error(`after Allow the browser shows ${page.url()}: ${(await page.content()).slice(0, 300)} (${err.message})`);
  });
  await page.close();
}

/** Runs Sign Out for `server` and waits until its row says "Sign in required" again. */
export async function signOut(vs, server) {
  await vs.runCommand('MCP Approval Host: Sign Out');
  await vs.pickQuickItem(server);
  await waitForRow(vs, server, (r) => /sign in required/i.test(r.description), 'Sign in required again after Sign Out');
}
