// Server text in VS Code's own UI (code-server 1.139.1 + Chromium): a hostile server
// puts markdown command links, $(codicons) and command URIs into its error messages,
// stderr, server and tool names and progress messages. Each surface must show them
// as plain, readable text: no link, no rendered codicon, and a click on the link text
// runs nothing (the links target e2eTest.hostileMarker, which records every run).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DARK_THEME, startVsCode, stdioServer, waitFor } from './harness.mjs';

const WJ = '\u2060';
const P = 'MCP Approval Host: ';
const marker = (where) => `command:e2eTest.hostileMarker?${encodeURIComponent(JSON.stringify([where]))}`;
// Server names come from settings; a cloned repository's settings are not the person's own.
const SERVER = `$(zap) [Run me](${marker('server-name')})`;
const BROKEN = `boom [Fix](${marker('broken-name')})`;
const TOOL = `$(zap)[Run me](${marker('tool-name')})`;

describe('server text is inert in VS Code surfaces', { timeout: 400000 }, () => {
  /** @type {Awaited<ReturnType<typeof startVsCode>>} */
  let vs;
  const scratch = mkdtempSync(join(tmpdir(), 'mcp-safe-text-'));
  const release = join(scratch, 'release');

  const step = (name, fn, timeout = 90000) =>
    test(name, { timeout }, async () => {
      try {
        await fn();
      } catch (err) {
        await vs?.screenshot(`fail-safe-text-${name.replace(/[^\w]+/g, '-').slice(0, 50)}`).catch(() => {});
        throw err;
      }
    });

  /** Every run of e2eTest.hostileMarker so far. */
  const markerRuns = () => {
    const file = join(vs.controlDir, 'hostile-marker.jsonl');
    return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)) : [];
  };
  const visible = (s) => s.replaceAll(WJ, '');

  /** Anchors and codicon elements inside `locator`, and its text as a person reads it. */
  const inspect = (locator) =>
    locator.evaluate((el) => ({
      // IconLabel's name is an <a> without href; a link has one.
      anchors: el.querySelectorAll('a[href], .monaco-link').length,
      codicons: [...el.querySelectorAll('[class*="codicon-"]')].map((c) => c.className),
      text: el.textContent || '',
    }));

  /** Clicks the middle of the first occurrence of `text` inside `locator` (a link there would run). */
  const clickText = async (locator, text) => {
    const point = await locator.evaluate((el, wanted) => {
      const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const at = node.data.indexOf(wanted);
        if (at < 0) continue;
        const range = document.createRange();
        range.setStart(node, at);
        range.setEnd(node, at + wanted.length);
        const r = range.getBoundingClientRect();
        return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
      }
      return null;
    }, text);
    assert.ok(point, `"${text}" is shown`);
    await vs.page.mouse.click(point.x, point.y);
  };

  /** The toast whose text contains `text`, expanded so that its whole message shows. */
  const toast = async (text, timeout = 30000) => {
    const t = vs.page.locator('.notifications-toasts .notification-toast').filter({ hasText: text }).first();
    await t.waitFor({ state: 'visible', timeout });
    const expand = t.locator('.codicon-notifications-expand');
    if (await expand.count()) await expand.first().click();
    await sleep(600); // toasts fade in and grow upwards: let them settle before a screenshot
    return t;
  };

  /** Asserts a surface shows `expected` literally, with no link and no codicon made from it. */
  const assertInert = async (locator, expected, what) => {
    const seen = await inspect(locator);
    assert.equal(seen.anchors, 0, `${what}: no link element`);
    assert.deepEqual(seen.codicons, [], `${what}: no codicon rendered`);
    for (const piece of expected) assert.ok(visible(seen.text).includes(piece), `${what} reads "${piece}": ${JSON.stringify(visible(seen.text))}`);
  };

  before(async () => {
    vs = await startVsCode({
      label: 'safe-text',
      theme: DARK_THEME,
      userSettings: {
        'mcpApprovalHost.servers': {
          [SERVER]: stdioServer('hostile-server.mjs', { env: { HOSTILE_MODE: 'markup', HOSTILE_RELEASE_FILE: release } }),
          [BROKEN]: stdioServer('hostile-server.mjs', { env: { HOSTILE_MODE: 'startfail' } }),
        },
      },
    });
  });

  after(async () => {
    writeFileSync(release, '');
    await vs?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  step('a failing start: the error notification shows the server\'s link and codicon as text', async () => {
    // Three restarts with back-off (1 s, 2 s, 4 s), then the person is told.
    const t = await toast('stopped after repeated failures', 60000);
    const message = t.locator('.notification-list-item-message');
    await vs.screenshot('safe-text-start-error-notification');
    // Click first: were this a link, the last step would find the marker's record.
    await clickText(message, 'Fix the server now');
    await assertInert(message, ['[Fix](command:e2eTest.hostileMarker', `[Fix the server now](${marker('start-error')}) $(zap)`], 'start error notification');
    await vs.clearNotifications();
  }, 120000);

  step('the failed server\'s stderr lines in the Servers tree are plain text', async () => {
    await vs.readServersTree();
    await vs.collapseTree();
    await vs.expandTreeItem(await brokenLabel());
    const pane = vs.viewPane('Servers');
    const row = pane.locator('.monaco-list-row', { hasText: 'Open the docs' }).first();
    await row.waitFor({ state: 'visible', timeout: 15000 });
    await assertInert(row.locator('.monaco-icon-label-container'), [`$(alert) [Open the docs](${marker('stderr')})`], 'stderr row');
    const boom = pane.locator('.monaco-list-row', { hasText: 'boom $' }).first();
    await assertInert(boom.locator('.monaco-icon-label-container'), ['boom $(zap) <command:e2eTest.hostileMarker>'], 'second stderr row');
    const server = pane.locator('.monaco-list-row', { hasText: 'boom [Fix]' }).first();
    await assertInert(server.locator('.monaco-icon-label-container'), [`boom [Fix](${marker('broken-name')})`, 'Error: failed to start'], 'failed server row');
    await vs.screenshot('safe-text-stderr-tree');
    await clickText(row, 'Open the docs');
  });

  /** The label the tree shows for BROKEN (with the invisible breaks). */
  async function brokenLabel() {
    const rows = await vs.readServersTree();
    const r = rows.find((x) => visible(x.label) === BROKEN);
    assert.ok(r, `a row for ${BROKEN}: ${JSON.stringify(rows.map((x) => x.label))}`);
    return r.label;
  }

  step('tool names with markup in the Servers tree are plain text', async () => {
    await vs.collapseTree();
    const rows = await waitFor(async () => {
      const rs = await vs.readServersTree();
      const r = rs.find((x) => visible(x.label) === SERVER);
      return r && /running/i.test(r.description) ? rs : null;
    }, 30000, { message: 'the markup server running' });
    await vs.expandTreeItem(rows.find((x) => visible(x.label) === SERVER).label);
    await vs.expandTreeItem('Tools');
    const pane = vs.viewPane('Servers');
    const tool = pane.locator('.monaco-list-row', { hasText: 'Run me' }).filter({ hasText: 'Title' }).first();
    await tool.waitFor({ state: 'visible', timeout: 15000 });
    await assertInert(tool.locator('.monaco-icon-label-container'), [TOOL, `$(flame) [Title](${marker('tool-title')})`], 'tool row');
    const server = pane.locator('.monaco-list-row', { hasText: 'Running' }).first();
    await assertInert(server.locator('.monaco-icon-label-container'), [SERVER], 'server row');
    await assertInert(pane.locator('.monaco-list-row', { hasText: 'plain-' }).first().locator('.monaco-icon-label-container'), ['plain-$(rocket)'], 'second tool row');
    await vs.screenshot('safe-text-tools-tree');
  });

  step('Call Tool: the server and tool quick picks show names, titles and descriptions as text', async () => {
    await vs.runCommand(`${P}Call Tool…`);
    const list = vs.page.locator('.quick-input-widget .quick-input-list');
    const serverRow = list.locator('.monaco-list-row', { hasText: 'Run me' }).first();
    await serverRow.waitFor({ state: 'visible', timeout: 15000 });
    await assertInert(serverRow, [SERVER, `$(shield) [Server](${marker('server-info')})`, '$(zap) command:e2eTest.hostileMarker'], 'server quick pick item');
    await vs.screenshot('safe-text-server-pick');
    await serverRow.click();
    const toolRow = list.locator('.monaco-list-row', { hasText: 'Title' }).first();
    await toolRow.waitFor({ state: 'visible', timeout: 15000 });
    // The description (the tool's title) is capped at 60 characters.
    await assertInert(toolRow, [TOOL, '$(flame) [Title](command:e2eTest.hostileMarker', `$(bug) [Description](${marker('tool-description')})`], 'tool quick pick item');
    await assertInert(list.locator('.monaco-list-row', { hasText: 'plain-' }).first(), ['plain-$(rocket)'], 'second tool quick pick item');
    await vs.screenshot('safe-text-tool-pick');
    await toolRow.click();
  });

  step('the call\'s progress notification shows the server\'s progress message as text', async () => {
    const t = await toast('working');
    const message = t.locator('.notification-list-item-message');
    await vs.screenshot('safe-text-progress-notification');
    await clickText(message, 'Run me');
    await assertInert(message, [`Calling ${TOOL} on ${SERVER}…`, `$(sync~spin) [Run me](${marker('progress')}) working`], 'progress notification');
  });

  step('the call\'s error notification names the server and shows its error as text', async () => {
    writeFileSync(release, '');
    const t = await toast('Tool failed');
    const message = t.locator('.notification-list-item-message');
    await vs.screenshot('safe-text-tool-error-notification');
    await clickText(message, 'Fix the server now');
    await assertInert(message, [`MCP server "${SERVER}": `, `$(error) Tool failed. [Fix the server now](${marker('tool-error')}) $(zap)`], 'tool error notification');
  });

  step('a command that fails with the server\'s words throws them inert (VS Code shows what commands throw)', async () => {
    const err = await vs.invoke('mcpApprovalHost.callTool', SERVER, TOOL, {}).then(() => null, (e) => e);
    assert.ok(err, 'the call failed');
    assert.ok(visible(err.message).includes(`[Fix the server now](${marker('tool-error')}) $(zap)`), err.message);
    assert.doesNotMatch(err.message, /\]\(|\$\(/, 'no link or codicon syntax left intact');
  });

  step('no click ran a command from server text; the marker command itself works', async () => {
    // Give a command a link might have started time to write its record.
    await sleep(1500);
    assert.deepEqual(markerRuns(), [], 'e2eTest.hostileMarker never ran');
    // Control: the command the links point at does record when it runs.
    assert.equal(await vs.invoke('e2eTest.hostileMarker', 'control'), 'marked');
    assert.deepEqual(markerRuns().map((r) => r.args), [['control']]);
  });
});
