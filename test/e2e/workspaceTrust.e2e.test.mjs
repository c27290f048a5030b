// Servers a repository defines ask before they first run, and no secret leaves before that.
// In a real VS Code (code-server 1.139.1): a trusted folder whose workspace settings define a
// stdio and an HTTP server that pull `${env:E2E_SECRET}` into their command line, environment,
// URL and headers; Restricted Mode and then trusting the folder; a multi-root workspace whose
// folders bring their own `.vscode/settings.json`.
//
// "The secret reaches no process and no URL" is checked three ways: the stdio fixture appends
// its argv/env to a record file when it starts (FIXTURE_RECORD), the HTTP fixture logs every
// request's URL and headers (FIXTURE_REQUEST_LOG), and /proc/*/cmdline of every process on the
// machine is searched for the secret. After "Trust and Start" the same checks see the secret
// where the definition says it goes, which shows that they would have caught it before.
import { after, before, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { FIXTURES, startVsCode, stepFor, waitFor } from './harness.mjs';

const P = 'MCP Approval Host: ';
const SECRET = `e2e-secret-${process.pid}-${Date.now().toString(36)}`;
const V1 = join(FIXTURES, 'v1-stdio-server.mjs');
const dir = mkdtempSync(join(tmpdir(), 'mcp-approval-e2e-trust-'));

/** JSON lines of a record or request log ([] while the file does not exist). */
function lines(file) {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)) : [];
}

/** Pids of every process whose command line contains `text`. */
function processesWith(text) {
  const found = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(text)) found.push(Number(pid));
    } catch {
      // the process ended meanwhile
    }
  }
  return found;
}

/** The HTTP fixture, started by the test (not by VS Code), logging every request. */
let http;
async function startHttpFixture(requestLog) {
  const child = spawn(process.execPath, [join(FIXTURES, 'http-server.mjs')], { stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, FIXTURE_REQUEST_LOG: requestLog } });
  const [line] = await new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', (l) => resolve([l]));
    child.once('exit', () => reject(new Error('http fixture exited early')));
  });
  return { url: /^LISTENING (\S+)$/.exec(line)[1], stop: () => child.kill('SIGTERM') };
}

/** Workspace-defined servers pulling the secret in, each tagged by `suite`. */
function repoServers(suite, record) {
  return {
    'repo-stdio': { command: 'node', args: [V1, '--key=${env:E2E_SECRET}'], env: { FIXTURE_RECORD: record, FIXTURE_NAME: `${suite}-stdio`, SECRET_KEY: '${env:E2E_SECRET}' } },
    'repo-http': {
      type: 'http',
      url: `${http.url}?suite=${suite}&k=\${env:E2E_SECRET}`,
      headers: { 'X-Key': '${env:E2E_SECRET}' },
      // Where a sign-in would go is part of what the person approves (the fixture asks for none).
      clientId: 'repo-client',
      scopes: ['mcp:tools'],
      enterpriseIdp: { issuer: 'https://idp.repo.invalid/', clientId: 'repo-idp-client', tokenEndpoint: 'https://idp.repo.invalid/token' },
    },
  };
}

/** Helpers bound to one VS Code. */
function helpers(getVs) {
  const row = async (label, predicate, timeout = 30000) =>
    waitFor(async () => {
      const r = (await getVs().readServersTree()).find((x) => x.label === label);
      return r && predicate(r) ? r : null;
    }, timeout, { message: `Servers tree row "${label}" matching ${predicate}` });
  const dialog = () => getVs().page.locator('.monaco-dialog-box');
  // VS Code hides an information toast 15 s after it appeared (window focused); it stays in
  // the notification center, which showApprovalNotice opens when the toast is gone.
  const approvalToasts = () => getVs().page.locator('.notifications-toasts .notification-toast, .notifications-center .notification-list-item', { hasText: /need(s)? your approval/ });
  const showApprovalNotice = async () => {
    if ((await approvalToasts().count()) === 0) await getVs().invoke('notifications.showList');
  };
  return { row, dialog, approvalToasts, showApprovalNotice };
}

const requestsOf = (log, suite) => lines(log).filter((r) => r.url.includes(`suite=${suite}`));

before(async () => {
  http = await startHttpFixture(join(dir, 'requests.jsonl'));
});
after(() => {
  http?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('a trusted folder with servers its workspace settings define', { timeout: 600000 }, () => {
  let vs;
  const step = stepFor(() => vs, { timeout: 90000 });
  const { row, dialog, approvalToasts, showApprovalNotice } = helpers(() => vs);
  const record = join(dir, 'trusted-record.jsonl');
  const userRecord = join(dir, 'user-record.jsonl');
  const requestLog = join(dir, 'requests.jsonl');

  before(async () => {
    vs = await startVsCode({
      label: 'trust-folder',
      env: { E2E_SECRET: SECRET },
      workspaceSettings: { 'mcpApprovalHost.servers': repoServers('trusted', record) },
      userSettings: { 'mcpApprovalHost.servers': { mine: { command: 'node', args: [V1], env: { FIXTURE_RECORD: userRecord } } } },
    });
  });
  after(async () => {
    await vs?.stop();
  });

  step('user-settings servers start without asking; the workspace\'s wait: nothing spawned, nothing requested, the secret in no process', async () => {
    assert.equal(await vs.invoke('e2eTest.env', 'E2E_SECRET'), SECRET, 'the extension host sees the secret');
    await row('mine', (r) => /running/i.test(r.description));
    assert.ok(lines(userRecord).length > 0, 'the user server started');
    const stdioRow = await row('repo-stdio', (r) => /needs approval/i.test(r.description));
    const httpRow = await row('repo-http', (r) => /needs approval/i.test(r.description));
    // The issue saw four requests within seconds of opening the folder: give it that time.
    await sleep(4000);
    assert.deepEqual(lines(record), [], 'no workspace-defined process was started');
    assert.deepEqual(requestsOf(requestLog, 'trusted'), [], 'no request reached the URL');
    assert.deepEqual(processesWith(SECRET), [], 'no process has the secret on its command line');
    // Tooltips (the row's accessible label carries them) show the definition, never the value.
    assert.match(stdioRow.ariaLabel, /--key=\$\{env:E2E_SECRET\}/);
    assert.match(httpRow.ariaLabel, /k=\$\{env:E2E_SECRET\}/);
    assert.match(httpRow.ariaLabel, /Headers: X-Key/);
    for (const r of [stdioRow, httpRow]) assert.ok(!r.ariaLabel.includes(SECRET), r.ariaLabel);
    // Not offered to other callers either.
    await assert.rejects(vs.invoke('mcpApprovalHost.callTool', 'repo-stdio', 'echo', { text: 'x' }), /Needs approval/);
    await vs.screenshot('trust-needs-approval');
  });

  step('opening the folder shows one notification for both servers and no dialog', async () => {
    await showApprovalNotice();
    await waitFor(async () => (await approvalToasts().count()) === 1, 15000, { message: 'one approval notification' });
    assert.match(await approvalToasts().first().innerText(), /2 MCP servers defined by this workspace need your approval before they start/);
    assert.equal(await dialog().isVisible(), false, 'no dialog at start-up');
  });

  step('Review… lists both; each dialog shows what runs with every value hidden; Not Now starts nothing, Trust and Start runs it', async () => {
    await approvalToasts().first().getByRole('button', { name: 'Review…' }).click();
    await vs.invoke('notifications.hideList');
    await vs.waitForQuickInputTitle('MCP servers that need your approval');
    assert.deepEqual((await vs.quickPickItems()).map((i) => i.label).sort(), ['repo-http', 'repo-stdio']);
    await vs.pickQuickItem('repo-http');
    await dialog().waitFor({ state: 'visible', timeout: 10000 });
    const httpText = await dialog().innerText();
    assert.match(httpText, /Trust and start the MCP server "repo-http"/);
    assert.match(httpText, /Defined in: .*\.vscode\/settings\.json/);
    assert.match(httpText, /Connects to \(HTTP\): http:\/\/127\.0\.0\.1:\d+\/mcp\?suite=trusted&k=\$\{env:E2E_SECRET\}/);
    assert.match(httpText, /Sends headers: X-Key/);
    assert.match(httpText, /\$\{env:E2E_SECRET\} \(set, value hidden\)/);
    assert.match(httpText, /Sign-in grant: authorization_code .*\[default\]/);
    assert.match(httpText, /OAuth client ID: repo-client/);
    assert.match(httpText, /OAuth scopes: mcp:tools/);
    assert.match(httpText, /Identity provider \(issuer\): https:\/\/idp\.repo\.invalid\//);
    assert.match(httpText, /Identity provider client ID: repo-idp-client/);
    assert.match(httpText, /Identity provider token endpoint: https:\/\/idp\.repo\.invalid\/token/);
    assert.ok(!httpText.includes(SECRET), httpText);
    await vs.screenshot('trust-dialog-http');
    await dialog().getByRole('button', { name: 'Not Now' }).click();

    // The list comes back with what is still to decide.
    await vs.waitForQuickInputTitle('MCP servers that need your approval');
    assert.deepEqual((await vs.quickPickItems()).map((i) => i.label), ['repo-stdio']);
    await vs.pickQuickItem('repo-stdio');
    await dialog().waitFor({ state: 'visible', timeout: 10000 });
    const stdioText = await dialog().innerText();
    assert.match(stdioText, /Runs: node \S*v1-stdio-server\.mjs --key=\$\{env:E2E_SECRET\}/);
    assert.match(stdioText, /Working directory: \S*workspace/);
    assert.match(stdioText, /Sets environment variables: FIXTURE_RECORD, FIXTURE_NAME, SECRET_KEY/);
    assert.ok(!stdioText.includes(SECRET), stdioText);
    await vs.screenshot('trust-dialog-stdio');
    await dialog().getByRole('button', { name: 'Trust and Start' }).click();

    await row('repo-stdio', (r) => /running/i.test(r.description));
    const started = lines(record);
    assert.ok(started.length > 0 && started.every((r) => r.argv.includes(`--key=${SECRET}`) && r.env.SECRET_KEY === SECRET), 'after approval it gets what its definition says');
    assert.ok(processesWith(SECRET).length > 0, 'the /proc search finds the approved server (so it would have found one before)');
    assert.deepEqual(requestsOf(requestLog, 'trusted'), [], 'Not Now: still no request to the HTTP server');
    assert.match((await row('repo-http', () => true)).description, /needs approval/i);
  });

  step('"Review and Start" on the tree item starts the HTTP server, which only then gets the secret', async () => {
    await vs.closeQuickInput();
    const pane = await vs.expandView('Servers');
    const item = pane.locator('.monaco-list-row', { hasText: 'repo-http' });
    await item.hover();
    await item.getByRole('button', { name: 'Review and Start' }).click();
    await dialog().waitFor({ state: 'visible', timeout: 10000 });
    await dialog().getByRole('button', { name: 'Trust and Start' }).click();
    await row('repo-http', (r) => /running/i.test(r.description));
    const requests = requestsOf(requestLog, 'trusted');
    assert.ok(requests.length > 0);
    assert.ok(requests.every((r) => r.url.includes(`k=${SECRET}`) && r.headers['x-key'] === SECRET));
    await vs.screenshot('trust-approved-running');
  });

  step('no log shows the secret', async () => {
    for (const channel of ['MCP Approval Host', 'MCP Approval Host: repo-stdio', 'MCP Approval Host: repo-http']) {
      const file = vs.outputChannelFile(channel);
      if (!file) continue;
      const text = readFileSync(file, 'utf8');
      assert.ok(!text.includes(SECRET), `${channel}:\n${text.slice(-2000)}`);
    }
    assert.match(readFileSync(vs.outputChannelFile('MCP Approval Host'), 'utf8'), /waits for your approval/);
  });

  step('editing a definition stops that server and asks again', async () => {
    const before = lines(record).length;
    const changed = repoServers('trusted', record);
    changed['repo-stdio'].args.push('--changed');
    vs.updateWorkspaceSettings({ 'mcpApprovalHost.servers': changed });
    await row('repo-stdio', (r) => /needs approval/i.test(r.description));
    await waitFor(async () => (await approvalToasts().count()) >= 1, 15000, { message: 'a notification for the changed server' });
    assert.match(await approvalToasts().last().innerText(), /An MCP server defined by this workspace needs your approval/);
    await sleep(2000);
    assert.equal(lines(record).length, before, 'the changed definition did not start');
    assert.match((await row('repo-http', () => true)).description, /running/i, 'the unchanged server keeps running');
  });

  step('"Reset Server Trust" forgets the approvals: workspace servers stop, user servers keep running', async () => {
    await vs.clearNotifications();
    await vs.runCommand(`${P}Reset Server Trust`);
    await dialog().waitFor({ state: 'visible', timeout: 10000 });
    await dialog().getByRole('button', { name: 'Reset Server Trust' }).click();
    await row('repo-http', (r) => /needs approval/i.test(r.description));
    assert.match((await row('mine', () => true)).description, /running/i);
  });
});

describe('Restricted Mode, then trusting the folder', { timeout: 600000 }, () => {
  let vs;
  const step = stepFor(() => vs, { timeout: 90000 });
  const { row, dialog, approvalToasts, showApprovalNotice } = helpers(() => vs);
  const record = join(dir, 'restricted-record.jsonl');
  const requestLog = join(dir, 'requests.jsonl');

  before(async () => {
    vs = await startVsCode({
      label: 'trust-restricted',
      workspaceTrust: 'untrusted',
      env: { E2E_SECRET: SECRET },
      workspaceSettings: { 'mcpApprovalHost.servers': repoServers('restricted', record) },
      userSettings: { 'mcpApprovalHost.servers': { mine: { command: 'node', args: [V1] } } },
    });
  });
  after(async () => {
    await vs?.stop();
  });

  step('in Restricted Mode only user servers start', async () => {
    await vs.page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).first().waitFor({ state: 'visible', timeout: 15000 });
    await row('mine', (r) => /running/i.test(r.description));
    await sleep(3000);
    const labels = (await vs.readServersTree()).map((r) => r.label);
    assert.ok(!labels.includes('repo-stdio') || /not trusted/i.test((await row('repo-stdio', () => true)).description), labels.join(', '));
    assert.deepEqual(lines(record), []);
    assert.deepEqual(requestsOf(requestLog, 'restricted'), []);
    assert.deepEqual(processesWith(SECRET), []);
    await vs.screenshot('trust-restricted-mode');
  });

  step('trusting the folder still starts nothing: its servers wait for approval', async () => {
    await vs.runCommand('Workspaces: Manage Workspace Trust', { exact: false });
    const editor = vs.page.locator('.workspace-trust-editor');
    await editor.getByRole('button', { name: 'Trust', exact: true }).click();
    await vs.invoke('workbench.action.closeActiveEditor');
    await row('repo-stdio', (r) => /needs approval/i.test(r.description));
    await row('repo-http', (r) => /needs approval/i.test(r.description));
    await sleep(4000);
    assert.deepEqual(lines(record), [], 'trusting the folder started no process');
    assert.deepEqual(requestsOf(requestLog, 'restricted'), [], 'trusting the folder sent no request');
    assert.deepEqual(processesWith(SECRET), []);
    await showApprovalNotice();
    await waitFor(async () => (await approvalToasts().count()) === 1, 15000, { message: 'one approval notification after trusting' });
    await vs.screenshot('trust-after-granting-trust');
  });

  step('after Trust and Start the server runs', async () => {
    await approvalToasts().first().getByRole('button', { name: 'Review…' }).click();
    await vs.invoke('notifications.hideList');
    await vs.pickQuickItem('repo-stdio');
    await dialog().getByRole('button', { name: 'Trust and Start' }).click();
    await row('repo-stdio', (r) => /running/i.test(r.description));
    assert.ok(lines(record).length > 0);
    await vs.closeQuickInput();
  });
});

describe('a multi-root workspace whose folders define servers', { timeout: 600000 }, () => {
  let vs;
  const step = stepFor(() => vs, { timeout: 90000 });
  const { row, dialog } = helpers(() => vs);
  const record = join(dir, 'multiroot-record.jsonl');
  const fx = (name) => ({ command: 'node', args: [V1], env: { FIXTURE_RECORD: record, FIXTURE_NAME: name, WHERE: '${workspaceFolder}' } });
  const byName = () => Object.fromEntries(lines(record).map((r) => [r.env.FIXTURE_NAME, r]));

  before(async () => {
    vs = await startVsCode({
      label: 'trust-multiroot',
      workspaceSettings: { 'mcpApprovalHost.servers': { 'ws-level': fx('ws-level') } },
      folders: [
        { name: 'api', settings: { 'mcpApprovalHost.servers': { 'api-only': fx('api-only'), db: fx('db-api') } } },
        { name: 'web', settings: { 'mcpApprovalHost.servers': { db: fx('db-web') } } },
      ],
    });
  });
  after(async () => {
    await vs?.stop();
  });

  step('every folder\'s settings are read; a name two folders use is shown with each folder; all wait for approval', async () => {
    for (const label of ['ws-level', 'api-only', 'db (api)', 'db (web)']) await row(label, (r) => /needs approval/i.test(r.description));
    const web = await row('db (web)', () => true);
    assert.match(web.ariaLabel, /Defined in \S*\/web\/\.vscode\/settings\.json/);
    assert.match(web.ariaLabel, /another folder also defines "db"/);
    const notes = await vs.notifications();
    assert.ok(notes.some((n) => /Two workspace folders define an MCP server of the same name/.test(n.message)), JSON.stringify(notes));
    assert.deepEqual(lines(record), []);
    await vs.screenshot('trust-multiroot');
  });

  step('once approved, each runs in its own folder with ${workspaceFolder} resolved against it', async () => {
    // One review: the list, a dialog per server, the list again with what is left.
    await vs.runCommand(`${P}Review and Start`);
    for (let left = 4; left > 0; left--) {
      await vs.waitForQuickInputTitle('MCP servers that need your approval', 20000);
      const items = await vs.quickPickItems();
      assert.equal(items.length, left, JSON.stringify(items));
      await vs.pickQuickItem(items[0].label);
      await dialog().getByRole('button', { name: 'Trust and Start' }).click();
    }
    for (const label of ['ws-level', 'api-only', 'db (api)', 'db (web)']) await row(label, (r) => /running/i.test(r.description));
    const runs = byName();
    const api = join(vs.workspaceDir, 'api');
    const web = join(vs.workspaceDir, 'web');
    assert.equal(runs['db-api'].env.WHERE, api);
    assert.equal(runs['db-api'].cwd, api);
    assert.equal(runs['db-web'].env.WHERE, web);
    assert.equal(runs['db-web'].cwd, web);
    assert.equal(runs['api-only'].env.WHERE, api);
    // Entries of the .code-workspace file resolve against the first folder.
    assert.equal(runs['ws-level'].env.WHERE, api);
  });

  step('editing one folder\'s entry asks again for that server only', async () => {
    vs.updateFolderSettings('web', { 'mcpApprovalHost.servers': { db: { ...fx('db-web'), args: [V1, '--changed'] } } });
    await row('db (web)', (r) => /needs approval/i.test(r.description));
    assert.match((await row('db (api)', () => true)).description, /running/i);
  });
});
