// End-to-end tests of sampling review in a real VS Code (code-server 1.139.1 + Chromium):
// fixture servers ask for completions through their `sample` tool, a person acts on the
// card in the Requests view, the test-only `e2e-test` models answer through vscode.lm.
// One VS Code for the whole file; tests run in order and share its state.
import { after, before, describe } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { DARK_THEME, LIGHT_THEME, REPO, startVsCode, stdioServer, stepFor, waitFor } from './harness.mjs';

const budget = { maxRequestsPerMinute: 100 };
const servers = {
  v1: { ...stdioServer('v1-stdio-server.mjs'), ...budget },
  v2: { ...stdioServer('v2-stdio-server.mjs'), ...budget },
  auto: { ...stdioServer('v1-stdio-server.mjs', { env: { FIXTURE_NAME: 'auto-fixture' } }), samplingPolicy: 'auto', ...budget },
  demo: { type: 'stdio', command: 'node', args: [join(REPO, 'examples', 'demo-server', 'server.mjs')], ...budget },
  restricted: { ...stdioServer('v1-stdio-server.mjs', { env: { FIXTURE_NAME: 'restricted-fixture' } }), allowedModels: ['no-such-model'], ...budget },
};

const XSS = [
  '<img src=x onerror="window.__pwned=1">',
  '<script>window.__pwned=2<\/script>',
  '<div id="pwned-marker">injected</div>',
  '<a href="javascript:window.__pwned=3">click</a>',
  '<svg onload="window.__pwned=4"></svg>',
].join(' ');

const oneLine = (s) => s.replace(/\s+/g, ' ');

const texts = (result) => (result?.content ?? []).filter((b) => b.type === 'text').map((b) => b.text);

describe('sampling review in a real VS Code', { timeout: 900000 }, () => {
  /** @type {Awaited<ReturnType<typeof startVsCode>>} */
  let vs;
  /** Rejects every open card and dismisses closed ones, so one failure does not block the next test. */
  const cleanup = async () => {
    const frame = await vs.webviewFrame('Requests');
    for (let i = 0; i < 10; i++) {
      const open = frame.locator('article.card-sampling:not(.card-closed)').first();
      if (await open.count()) {
        await open.getByRole('button', { name: 'Reject', exact: true }).click();
      } else {
        const closed = frame.locator('article.card-sampling.card-closed').first();
        if (!(await closed.count())) return;
        await closed.getByRole('button', { name: 'Dismiss', exact: true }).click();
      }
      await new Promise((r) => setTimeout(r, 300));
    }
  };
  const step = stepFor(() => vs, { prefix: 'sampling-', timeout: 90000, cleanup });

  /** Calls `tool` on `server` through the extension without waiting for the result. */
  const call = (server, tool, args, timeout = 120000) => {
    const p = vs.invokeWithTimeout(timeout, 'mcpApprovalHost.callTool', server, tool, args);
    p.catch(() => {});
    return p;
  };
  /** The Requests view frame and its only open sampling card. */
  const openCard = async () => {
    const frame = await vs.webviewFrame('Requests');
    const card = frame.locator('article.card-sampling:not(.card-closed)').first();
    await card.waitFor({ state: 'visible', timeout: 30000 });
    return { frame, card };
  };
  const button = (card, name) => card.getByRole('button', { name, exact: true });
  const waitText = (card, text, timeout = 20000) =>
    waitFor(async () => oneLine(await card.innerText()).includes(oneLine(text)), timeout, { message: `card shows "${text}"` });
  /** Waits until the completion editor holds `text` (a text area's value is not in innerText). */
  const waitCompletion = (card, text, timeout = 20000) =>
    waitFor(async () => {
      const box = card.getByRole('textbox', { name: 'Completion', exact: true });
      return (await box.count()) > 0 && (await box.inputValue()) === text;
    }, timeout, { message: `completion "${text}"` });
  const lastRequest = () => vs.modelLog().filter((e) => e.event === 'request').at(-1);
  /** Types into a text area or field component (the native control lives in its shadow root). */
  const fill = async (card, label, value) => {
    const box = card.getByRole('textbox', { name: label, exact: true });
    await box.fill(value);
  };
  const noCardLeft = (frame) =>
    waitFor(async () => (await frame.locator('article.card-sampling:not(.card-closed)').count()) === 0, 15000, { message: 'card answered and gone' });

  before(async () => {
    vs = await startVsCode({ label: 'sampling', theme: DARK_THEME, userSettings: { 'mcpApprovalHost.servers': servers } });
    await waitFor(async () => {
      const r = await vs.invoke('mcpApprovalHost.callTool', 'v1', 'echo', { text: 'up' }).catch(() => null);
      return r?.content?.[0]?.text === 'echo: up';
    }, 60000, { message: 'v1 server running' });
    await vs.webviewFrame('Requests');
    // Give the Requests view the height of the side bar.
    const serversHeader = vs.viewPane('Servers').locator('.pane-header').first();
    if ((await serversHeader.getAttribute('aria-expanded')) === 'true') await serversHeader.click();
    // A wider side bar, as a person reviewing long prompts would drag it (and fuller screenshots).
    const bar = await vs.page.locator('.part.sidebar').first().boundingBox();
    if (bar) {
      const x = bar.x + bar.width + 1;
      const y = bar.y + bar.height / 2;
      await vs.page.mouse.move(x, y);
      await vs.page.mouse.down();
      await vs.page.mouse.move(x + 300, y, { steps: 10 });
      await vs.page.mouse.up();
    }
  });

  after(async () => {
    await vs?.stop();
  });

  step('runs a request as is and sends the completion back', async () => {
    const pending = call('v1', 'sample', { prompt: 'Hello from e2e', systemPrompt: 'Be brief.', maxTokens: 64 });
    const { frame, card } = await openCard();
    await waitText(card, 'Hello from e2e');
    const text = oneLine(await card.innerText());
    assert.match(text, /Sampling request from v1/);
    assert.match(text, /during tool call sample/);
    assert.match(text, /Be brief\./);
    assert.match(text, /system prompt is sent as a leading User message/);
    assert.match(text, /Preselected: First available model/);
    assert.equal(vs.modelLog().filter((e) => e.event === 'request').length, 0, 'nothing is sent to a model before Run');
    await vs.screenshot('sampling-review-dark');
    // The card's actions, in row order (each button is built the first time it is shown).
    const actions = async () => (await card.locator('.sampling-actions').getByRole('button').allInnerTexts()).map((t) => t.trim());
    assert.deepEqual(await actions(), ['Run', 'Reject', 'Always allow this server']);
    await button(card, 'Run').click();
    await waitCompletion(card, '[e2e-fast] reply to: Hello from e2e');
    await waitFor(() => button(card, 'Send').isVisible(), 10000);
    assert.deepEqual(await actions(), ['Run', 'Send', 'Reject', 'Always allow this server'], 'Send is built between Run and Reject');
    await button(card, 'Send').scrollIntoViewIfNeeded();
    await vs.screenshot('sampling-completion-dark');
    await button(card, 'Send').click();
    const result = await pending;
    assert.deepEqual(texts(result), ['[e2e-fast] reply to: Hello from e2e', 'model: e2e-fast, stopReason: endTurn']);
    const req = lastRequest();
    assert.equal(req.modelId, 'e2e-fast');
    assert.equal(req.messages[0].role, 'user');
    assert.equal(req.messages[0].text, 'Be brief.');
    await noCardLeft(frame);
    await waitFor(async () => /sent/.test(await frame.locator('.history').innerText()), 10000, { message: 'history entry' });
  });

  step('runs the edited prompt (message, system prompt, maxTokens) with Ctrl+Enter', async () => {
    const pending = call('v1', 'sample', { prompt: 'Original question', systemPrompt: 'Original system', maxTokens: 64 });
    const { card } = await openCard();
    await waitText(card, 'Original question');
    await button(card, 'Edit message 1 text').click();
    await fill(card, 'Message 1 text', 'Edited question');
    await button(card, 'Edit system prompt').click();
    await fill(card, 'System prompt', 'Edited system');
    await fill(card, 'Max tokens', '32');
    await waitFor(async () => (await card.locator('.edited-tag:not([hidden])').count()) === 3, 5000, { message: 'three edited tags' });
    await vs.screenshot('sampling-edited-dark');
    await card.getByRole('textbox', { name: 'Message 1 text', exact: true }).press('Control+Enter');
    await waitCompletion(card, '[e2e-fast] reply to: Edited question');
    await waitText(card, 'Ran with your edits');
    const req = lastRequest();
    assert.equal(req.messages[0].text, 'Edited system');
    assert.equal(req.messages[1].text, 'Edited question');
    await button(card, 'Send').click();
    assert.equal(texts(await pending)[0], '[e2e-fast] reply to: Edited question');
  });

  step('sends an edited completion', async () => {
    const pending = call('v1', 'sample', { prompt: 'Write something' });
    const { card } = await openCard();
    await button(card, 'Run').click();
    await waitFor(() => button(card, 'Send').isVisible(), 20000);
    await fill(card, 'Completion', 'A human-written answer');
    await waitFor(async () => (await card.locator('.completion .edited-tag:not([hidden])').count()) === 1, 5000);
    await button(card, 'Send').click();
    assert.deepEqual(texts(await pending), ['A human-written answer', 'model: e2e-fast, stopReason: endTurn']);
  });

  step('rejects before running: the server gets -1 "User rejected sampling request"', async () => {
    const before = vs.modelLog().length;
    const pending = call('v1', 'sample', { prompt: 'Reject me early' });
    const { card } = await openCard();
    // The status bar and the view's badge follow the queue (they update once the view has the card).
    const waiting = vs.page.locator('.part.statusbar [aria-label*="1 requests waiting for review"]');
    const badge = vs.page.locator('.part.activitybar .action-item:has([aria-label*="MCP Approval Host"]) .badge-content, .part.activitybar .action-item[aria-label*="MCP Approval Host"] .badge-content').first();
    await waitFor(async () => (await waiting.count()) > 0, 10000, { message: 'the status bar counts the request' });
    await waitFor(async () => (await badge.isVisible()) && (await badge.textContent())?.trim() === '1', 10000, { message: 'the view badge shows 1' });
    await button(card, 'Reject').click();
    const result = await pending;
    assert.match(texts(result).join('\n'), /MCP error -1: User rejected sampling request/);
    assert.equal(vs.modelLog().length, before, 'no model request');
    await waitFor(async () => (await waiting.count()) === 0, 10000, { message: 'the status bar no longer counts it' });
    await waitFor(async () => !(await badge.isVisible()) || !(await badge.textContent())?.trim(), 10000, { message: 'the view badge is gone' });
  });

  step('rejects after running', async () => {
    const pending = call('v1', 'sample', { prompt: 'Reject me late' });
    const { card } = await openCard();
    await button(card, 'Run').click();
    await waitFor(() => button(card, 'Send').isVisible(), 20000);
    await button(card, 'Reject').click();
    assert.match(texts(await pending).join('\n'), /MCP error -1: User rejected sampling request/);
  });

  step('stops a slow stream midway and sends the partial text', async () => {
    const pending = call('v1', 'sample', { prompt: 'SLOW stream please, a long answer' });
    const { card } = await openCard();
    await button(card, 'Run').click();
    await waitText(card, 'Streaming from E2E Fast');
    await waitFor(async () => ((await card.locator('pre.streaming').textContent()) ?? '').length > 10, 10000, { message: 'some streamed text' });
    // Streamed text is appended to what is shown (one text node that grows), never re-rendered.
    const pre = card.locator('pre.streaming');
    const shown = await pre.evaluate((el) => {
      /** @type {any} */ (el.firstChild).e2eMark = true;
      return (el.textContent ?? '').length;
    });
    await waitFor(() => pre.evaluate((el, n) => (el.textContent ?? '').length > n, shown), 10000, { message: 'more streamed text' });
    assert.equal(await pre.evaluate((el) => el.childNodes.length === 1 && /** @type {any} */ (el.firstChild).e2eMark === true), true, 'the text node that was there grew');
    await vs.screenshot('sampling-streaming-dark');
    await button(card, 'Stop').click();
    await waitText(card, 'stoppedByUser');
    const partial = await card.getByRole('textbox', { name: 'Completion', exact: true }).inputValue();
    assert.ok(partial.length > 0 && !partial.endsWith('long answer'), `partial text: ${partial}`);
    await waitFor(() => vs.modelLog().some((e) => e.event === 'cancelled'), 10000, { message: 'the model saw the cancellation' });
    await button(card, 'Send').click();
    const result = await pending;
    assert.equal(texts(result)[0], partial);
    assert.match(texts(result)[1], /stopReason: stoppedByUser/);
  });

  step('sampling with tools: a tool_use round trip through two reviewed cards (modern era)', async () => {
    const pending = call('v2', 'sample', { prompt: 'USE_TOOL to look up paris', withTools: true });
    let { card } = await openCard();
    await waitText(card, 'Offered tools (1)');
    await card.getByText('Schema of lookup').click();
    await waitText(card, '"query"');
    await button(card, 'Run').click();
    await waitText(card, 'The model calls lookup');
    await button(card, 'Send').click();
    // Round two: the server answered the tool call and asks again with the history.
    await waitFor(async () => {
      ({ card } = await openCard());
      return (await card.innerText()).includes('Tool result for');
    }, 20000, { message: 'the second round card' });
    await waitText(card, 'Tool call lookup');
    await vs.screenshot('sampling-tools-dark');
    const toolRequest = lastRequest();
    assert.equal(toolRequest.options.tools[0].name, 'lookup');
    // Drop the USE_TOOL instruction so the model answers in text this time.
    await button(card, 'Edit message 1 text').click();
    await fill(card, 'Message 1 text', 'Answer with what you found');
    await button(card, 'Run').click();
    await waitFor(() => button(card, 'Send').isVisible(), 20000);
    const req = lastRequest();
    assert.ok(req.messages.some((m) => m.parts.some((p) => p.type === 'toolCall' && p.name === 'lookup')), JSON.stringify(req.messages));
    assert.ok(req.messages.some((m) => m.parts.some((p) => p.type === 'toolResult')), 'tool_result went to the model as a tool result part');
    await button(card, 'Send').click();
    const result = await pending;
    assert.equal(result.structuredContent.toolRounds, 1);
    assert.match(texts(result)[0], /^\[e2e-fast\] reply to: /);
  });

  step('policy auto runs and sends without review, lists it in History, and shows no card for a fast one', async () => {
    const frame = await vs.webviewFrame('Requests');
    // Counts every sampling card the view adds meanwhile, however briefly it stays.
    await frame.evaluate(() => {
      const w = /** @type {any} */ (window);
      w.e2eCardsAdded = 0;
      w.e2eCardObserver?.disconnect();
      w.e2eCardObserver = new MutationObserver((records) => {
        for (const r of records) for (const n of r.addedNodes) if (n instanceof Element && (n.matches('article.card-sampling') || n.querySelector('article.card-sampling'))) w.e2eCardsAdded++;
      });
      w.e2eCardObserver.observe(document.body, { childList: true, subtree: true });
    });
    // INSTANT: the test model answers at once, well within the grace period a quiet request has.
    const result = await vs.invokeWithTimeout(60000, 'mcpApprovalHost.callTool', 'auto', 'sample', { prompt: 'INSTANT: No review needed' });
    assert.deepEqual(texts(result), ['[e2e-fast] reply to: INSTANT: No review needed', 'model: e2e-fast, stopReason: endTurn']);
    await waitFor(async () => /auto[\s\S]*sent/.test(await frame.locator('.history').innerText()), 10000, { message: 'auto request in History' });
    assert.equal(await frame.evaluate(() => /** @type {any} */ (window).e2eCardsAdded), 0, 'no card flashed in and out');
  });

  step('policy auto: a long run shows its card with the streamed text and Stop, and leaves when done', async () => {
    let pending = call('auto', 'sample', { prompt: 'SLOW auto run, watched' });
    let { frame, card } = await openCard();
    await waitText(card, '[e2e-fast] reply to');
    await button(card, 'Stop').click();
    await waitText(card, 'stoppedByUser');
    // A Stop is the person stepping in: what ran so far is theirs to review before it goes.
    const partial = await card.getByRole('textbox', { name: 'Completion', exact: true }).inputValue();
    assert.ok(partial.length > 0 && !partial.endsWith('watched'), `partial text: ${partial}`);
    await button(card, 'Send').click();
    assert.equal(texts(await pending)[0], partial);
    await noCardLeft(frame);
    pending = call('auto', 'sample', { prompt: 'SLOW auto run, to the end' });
    ({ frame, card } = await openCard());
    await waitFor(async () => ((await card.locator('pre.streaming').textContent()) ?? '').length > 10, 10000, { message: 'some streamed text' });
    assert.deepEqual(texts(await pending), ['[e2e-fast] reply to: SLOW auto run, to the end', 'model: e2e-fast, stopReason: endTurn']);
    await noCardLeft(frame);
  });

  step('preselects the model from the server hints and says why', async () => {
    const pending = call('demo', 'triage_ticket', { subject: 'Refund please', body: 'I was charged twice.' });
    const { card } = await openCard();
    await waitText(card, 'Matched hint "mini"');
    const text = oneLine(await card.innerText());
    assert.match(text, /hints 1\. haiku 2\. mini/);
    assert.match(text, /cost 0\.8 · speed 0\.6 · intelligence 0\.4/);
    await button(card, 'Run').click();
    await waitFor(() => button(card, 'Send').isVisible(), 20000);
    assert.equal(lastRequest().modelId, 'e2e-fast');
    assert.equal(lastRequest().options.modelOptions.temperature, 0);
    await button(card, 'Send').click();
    await pending;
  });

  step('a model failing midway shows the error on the card and returns it to the server', async () => {
    const pending = call('v1', 'sample', { prompt: 'Please FAIL halfway' });
    const { card } = await openCard();
    await button(card, 'Run').click();
    await waitText(card, 'The model request failed');
    await waitText(card, 'Interrupted before the model finished');
    await vs.screenshot('sampling-model-error-dark');
    await button(card, 'Return error').click();
    assert.match(texts(await pending).join('\n'), /MCP error -32603: The model request failed: .*failed midway/);
  });

  step('with no allowed model the card says why and the server gets an error', async () => {
    const pending = call('restricted', 'sample', { prompt: 'Nobody may answer' });
    const { card } = await openCard();
    await waitText(card, 'No model can run this request');
    await waitText(card, 'allowedModels ("no-such-model")');
    assert.equal(await button(card, 'Run').isDisabled(), true);
    await button(card, 'Return error').click();
    assert.match(texts(await pending).join('\n'), /MCP error -32603: .*allowedModels/);
  });

  step('renders HTML and script payloads as inert text', async () => {
    const pending = call('v1', 'sample', { prompt: XSS, systemPrompt: XSS });
    const { frame, card } = await openCard();
    await waitText(card, '<div id="pwned-marker">injected</div>');
    const probe = await frame.evaluate(() => ({
      pwned: window.__pwned,
      marker: document.getElementById('pwned-marker') !== null,
      scripts: [...document.querySelectorAll('.card script, .card img[src="x"], .card svg, .card a[href^="javascript"]')].length,
    }));
    assert.deepEqual(probe, { pwned: undefined, marker: false, scripts: 0 });
    await card.getByText('<script>', { exact: false }).first().scrollIntoViewIfNeeded();
    await vs.screenshot('sampling-xss-inert-dark');
    await button(card, 'Reject').click();
    await pending;
    assert.equal(await frame.evaluate(() => window.__pwned), undefined);
  });

  step('a request the server cancels closes its card, keeps it until dismissed, and stops the model', async () => {
    // The tool call's hard limit makes the host cancel tools/call; the v1 server then cancels its sampling request.
    await vs.updateUserSettings({ 'mcpApprovalHost.toolCallMaxSeconds': 10 });
    const cancelledBefore = vs.modelLog().filter((e) => e.event === 'cancelled').length;
    const started = Date.now();
    // A prompt of 200+ characters makes the test model stream 20 chunks × 250 ms = 5 s.
    const pending = call('v1', 'sample', { prompt: `SLOW and then cancelled ${'by the server '.repeat(15)}` }, 60000);
    const { frame, card } = await openCard();
    // Start at 7 s so the 5 s reply is still streaming when the 10 s limit cancels the call.
    await new Promise((r) => setTimeout(r, Math.max(0, 7000 - (Date.now() - started))));
    await button(card, 'Run').click();
    await waitText(card, 'Streaming');
    const closed = frame.locator('article.card-sampling.card-closed').first();
    await closed.waitFor({ state: 'visible', timeout: 30000 });
    assert.match(oneLine(await closed.innerText()), /Cancelled by the server/);
    assert.equal(await button(closed, 'Run').isVisible(), false);
    await vs.screenshot('sampling-cancelled-dark');
    await assert.rejects(pending, /exceeded|cancel|timed out/i);
    await waitFor(() => vs.modelLog().filter((e) => e.event === 'cancelled').length > cancelledBefore, 10000, { message: 'model request cancelled' });
    await button(closed, 'Dismiss').click();
    await waitFor(async () => (await frame.locator('article.card-sampling').count()) === 0, 10000);
    await vs.updateUserSettings({ 'mcpApprovalHost.toolCallMaxSeconds': 3600 });
  });

  step('the pause switch refuses every request until lifted; the audit log opens in an editor', async () => {
    await vs.invoke('mcpApprovalHost.toggleSamplingPause');
    const frame = await vs.webviewFrame('Requests');
    await waitFor(async () => /Sampling paused/.test(await frame.locator('.status-line').innerText()), 10000, { message: 'paused status line' });
    const refused = await vs.invokeWithTimeout(30000, 'mcpApprovalHost.callTool', 'v1', 'sample', { prompt: 'while paused' });
    assert.match(texts(refused).join('\n'), /MCP error -32003: Sampling is paused/);
    await vs.invoke('mcpApprovalHost.toggleSamplingPause');
    await waitFor(async () => !/Sampling paused/.test(await frame.locator('.status-line').innerText()), 10000, { message: 'resumed' });
    await vs.invoke('mcpApprovalHost.openAuditLog');
    await vs.page.locator('.tab', { hasText: 'audit.jsonl' }).first().waitFor({ state: 'visible', timeout: 10000 });
    const lines = await vs.page.locator('.editor-instance .view-lines').first().innerText();
    for (const outcome of ['sent', 'rejected', 'denied', 'cancelled', 'error']) assert.match(lines, new RegExp(`"outcome":"${outcome}"`), outcome);
    assert.doesNotMatch(lines, /Hello from e2e/, 'prompts are left out unless auditLog.includeContent is on');
    await vs.screenshot('sampling-audit-log');
    await vs.invoke('workbench.action.closeAllEditors');
  });

  step('looks right in the light theme', async () => {
    await vs.setTheme(LIGHT_THEME);
    const pending = call('v1', 'sample', { prompt: 'Light theme check', systemPrompt: 'Be brief.' });
    const { card } = await openCard();
    await waitText(card, 'Light theme check');
    await vs.screenshot('sampling-review-light');
    await button(card, 'Run').click();
    await waitFor(() => button(card, 'Send').isVisible(), 20000);
    await button(card, 'Send').scrollIntoViewIfNeeded();
    await vs.screenshot('sampling-completion-light');
    await button(card, 'Send').click();
    await pending;
    await vs.setTheme(DARK_THEME);
  });

  step('looks right in the high contrast themes', async () => {
    for (const [theme, name] of [['Default High Contrast', 'hc-dark'], ['Default High Contrast Light', 'hc-light']]) {
      await vs.setTheme(theme);
      const pending = call('v1', 'sample', { prompt: `High contrast check (${name})`, systemPrompt: 'Be brief.' });
      const { card } = await openCard();
      await waitText(card, `High contrast check (${name})`);
      await button(card, 'Run').click();
      await waitFor(() => button(card, 'Send').isVisible(), 20000);
      await vs.screenshot(`sampling-${name}`);
      await button(card, 'Send').click();
      await pending;
    }
    await vs.setTheme(DARK_THEME);
  });
});
