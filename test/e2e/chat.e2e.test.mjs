// End-to-end tests of our servers in VS Code chat (code-server 1.139.1 + Chromium):
// `@mcp` with the test-only `e2e-test` model calls a fixture server's tool through the
// gateway; VS Code asks before it runs; the sampling or elicitation request the tool
// makes is answered on a card in the Requests view; the tool result and the model's
// answer show in chat. A stopped server's tools leave chat.
// One VS Code for the whole file; tests run in order and share its state.
import { after, before, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startVsCode, stdioServer, stepFor, waitFor } from './harness.mjs';

const servers = {
  fx: { ...stdioServer('v1-stdio-server.mjs', { env: { FIXTURE_NAME: 'chatfx' } }), maxRequestsPerMinute: 100 },
  modern: { ...stdioServer('v2-stdio-server.mjs', { env: { FIXTURE_NAME: 'chatmodern' } }), maxRequestsPerMinute: 100 },
};

const oneLine = (s) => s.replace(/\s+/g, ' ');

describe('our servers in VS Code chat', { timeout: 900000 }, () => {
  /** @type {Awaited<ReturnType<typeof startVsCode>>} */
  let vs;
  const step = stepFor(() => vs, { prefix: 'chat-', timeout: 120000 });

  const session = () => vs.page.locator('.interactive-session').first();
  const responses = () => session().locator('.interactive-response');
  /** Types a request into the chat input and submits it. */
  const ask = async (text) => {
    const input = vs.page.locator('.interactive-input-part .monaco-editor').first();
    await input.waitFor({ state: 'visible', timeout: 20000 });
    await input.click();
    // @mcp is sticky: after the first request the input already starts with it.
    await vs.page.keyboard.press('ControlOrMeta+A');
    await vs.page.keyboard.press('Backspace');
    await vs.page.keyboard.type(text, { delay: 5 });
    // A suggestion list (participants, slash commands) would take the Enter.
    await new Promise((r) => setTimeout(r, 300));
    if (await vs.page.locator('.interactive-input-part .suggest-widget.visible').count()) await vs.page.keyboard.press('Escape');
    await vs.page.keyboard.press('Enter');
  };
  /**
   * Clicks VS Code's "Allow" on the tool confirmation in chat, then returns the card the
   * tool's request opened. A tool allowed "in this Session" before is not asked about again.
   */
  const allowThenCard = async (kind, { mustAsk = true } = {}) => {
    const allow = session().getByRole('button', { name: /^Allow/ }).first();
    let asked = false;
    await waitFor(async () => {
      if (await allow.isVisible().catch(() => false)) {
        await allow.click();
        asked = true;
      }
      return (await (await requests()).locator(`article.card-${kind}:not(.card-closed)`).count()) > 0;
    }, 45000, { message: `VS Code's confirmation, then a ${kind} card` });
    if (mustAsk) assert.ok(asked, 'VS Code asked before the tool ran');
    return card(kind);
  };
  const lastResponseText = async () => oneLine((await responses().last().innerText().catch(() => '')) || '');
  const waitResponse = (pattern, timeout = 30000) =>
    waitFor(async () => pattern.test(await lastResponseText()), timeout, { message: `chat answer matching ${pattern}` });
  const requests = () => vs.webviewFrame('Requests');
  const card = async (kind) => {
    const frame = await requests();
    const locator = frame.locator(`article.card-${kind}:not(.card-closed)`).last();
    await locator.waitFor({ state: 'visible', timeout: 30000 });
    return locator;
  };
  const ourTools = async (prefix) => ((await vs.invoke('e2eTest.listTools')) ?? []).filter((n) => n.startsWith(prefix));

  before(async () => {
    vs = await startVsCode({ label: 'chat', userSettings: { 'mcpApprovalHost.servers': servers, 'chat.mcp.autostart': 'newAndOutdated' } });
    await waitFor(async () => {
      const r = await vs.invoke('mcpApprovalHost.callTool', 'fx', 'echo', { text: 'up' }).catch(() => null);
      return r?.content?.[0]?.text === 'echo: up';
    }, 60000, { message: 'fx server running' });
    await vs.invoke('mcpApprovalHost.showRequests');
    await vs.invoke('workbench.action.chat.open');
  });

  after(async () => {
    await vs?.stop();
  });

  step('@mcp calls a tool that samples: VS Code asks, the card comes from chat, Run, Send, the answer shows in chat', async () => {
    await ask('@mcp CALL_TOOL:sample please');
    const c = await allowThenCard('sampling');
    const text = oneLine(await c.innerText());
    assert.match(text, /Sampling request from fx/);
    assert.match(text, /during tool call sample from chat/);
    await vs.screenshot('chat-sampling-card');
    await c.getByRole('button', { name: 'Run', exact: true }).click();
    const send = c.getByRole('button', { name: 'Send', exact: true });
    await send.waitFor({ state: 'visible', timeout: 20000 });
    await send.click();
    await waitResponse(/the tool said: .*\[e2e-fast\] reply to: e2e/);
    await vs.screenshot('chat-sampling-answer');
    const log = vs.modelLog();
    const call = log.find((e) => e.event === 'toolCall');
    assert.equal(call.name, 'mcp_chatfx_sample');
  });

  step('@mcp with an elicitation: Accept sends the form to the server', async () => {
    await ask('@mcp CALL_TOOL:elicit now');
    const c = await allowThenCard('elicitation');
    assert.match(oneLine(await c.innerText()), /from chat/);
    await c.getByRole('textbox', { name: 'Name' }).fill('Ada from chat');
    await c.getByRole('button', { name: 'Accept' }).click();
    await waitResponse(/the tool said: .*"action":"accept".*Ada from chat/);
  });

  step('@mcp with an elicitation: Decline reaches the server as decline', async () => {
    await ask('@mcp CALL_TOOL:elicit again');
    const c = await allowThenCard('elicitation', { mustAsk: false });
    await c.getByRole('button', { name: 'Decline' }).click();
    await waitResponse(/the tool said: .*"action":"decline"/);
  });

  step('Stop in chat cancels the MCP call: the waiting card closes', async () => {
    await ask('@mcp CALL_TOOL:sample stop me');
    const c = await allowThenCard('sampling', { mustAsk: false });
    await vs.invoke('workbench.action.chat.cancel');
    await waitFor(async () => /card-closed/.test((await c.getAttribute('class')) ?? ''), 20000, { message: 'the card closed' });
    assert.match(oneLine(await c.innerText()), /Cancelled by the server/);
    await c.getByRole('button', { name: 'Dismiss', exact: true }).click();
  });

  step('/tools lists the servers and their tools', async () => {
    await ask('@mcp /tools');
    await waitResponse(/fx.*sample.*modern.*echo/);
  });

  step('a stopped server leaves chat: its tools are gone from vscode.lm.tools, and come back when it starts', async () => {
    await waitFor(async () => (await ourTools('mcp_chatfx_')).length > 0, 20000, { message: 'fx tools in chat' });
    await vs.invoke('mcpApprovalHost.stopServer', 'fx');
    await waitFor(async () => (await ourTools('mcp_chatfx_')).length === 0, 30000, { message: 'fx tools gone from chat' });
    await ask('@mcp /tools');
    await waitResponse(/fx — not running/);
    await vs.invoke('mcpApprovalHost.startServer', 'fx');
    // VS Code lists the tools again once it reconnects (on the next request that needs tools).
    await ask('@mcp CALL_TOOL:echo hello');
    const allow = session().getByRole('button', { name: /^Allow/ }).first();
    await waitFor(async () => {
      if (await allow.isVisible().catch(() => false)) await allow.click();
      return /the tool said: .*echo: e2e/.test(await lastResponseText());
    }, 45000, { message: 'echo ran through chat again' });
    assert.ok((await ourTools('mcp_chatfx_')).length > 0, 'fx tools back in chat');
  });
});
