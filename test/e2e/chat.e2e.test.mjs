// End-to-end tests of our servers in VS Code chat (code-server 1.139.1 + Chromium), set
// up as a person gets it with `npm start`: VS Code's own chat settings left at their
// defaults (chat.mcp.autostart included), the demo server configured as the sandbox
// configures it (it calls itself "ops-assistant-demo", longer than the 13 characters
// VS Code keeps in a tool prefix), and the sandbox's Demo Model installed. First the
// README's walk-through with the Demo Model: `@mcp summarize: …` → the demo server's
// summarize_text samples → the card comes from chat → Run, Send → the answer in chat.
// Then, with the test-only `e2e-test` models, `@mcp` calls a fixture server's tool through
// the gateway; VS Code asks before it runs; the sampling or elicitation request the tool
// makes is answered on a card in the Requests view; the tool result and the model's
// answer show in chat. A stopped server's tools leave chat.
// One VS Code for the whole file; tests run in order and share its state.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import assert from 'node:assert/strict';
import { E2E_ARTIFACTS, REPO, startVsCode, stdioServer, stepFor, waitFor } from './harness.mjs';

const servers = {
  // Exactly as scripts/sandbox.mjs configures it.
  demo: { type: 'stdio', command: process.execPath, args: [join(REPO, 'examples', 'demo-server', 'server.mjs')] },
  // A name longer than VS Code's 13 characters, as most real servers' names are.
  fx: { ...stdioServer('v1-stdio-server.mjs', { env: { FIXTURE_NAME: 'chat-fixture-v1' } }), maxRequestsPerMinute: 100 },
  modern: { ...stdioServer('v2-stdio-server.mjs', { env: { FIXTURE_NAME: 'chatmodern' } }), maxRequestsPerMinute: 100 },
};
/** VS Code's prefix for fx's tools: `mcp_` and the first 13 characters of the name the gateway reports. */
const FX = 'mcp_chat-fixture_';
const DEMO_MODEL = 'Demo Model (deterministic, not an LLM)';
const E2E_MODEL = { vendor: 'e2e-test', id: 'e2e-fast', family: 'e2e-mini' };

/** The sandbox's Demo Model extension, packaged as scripts/sandbox.mjs does. */
function demoModelVsix() {
  const out = join(E2E_ARTIFACTS, 'demo-model.vsix');
  mkdirSync(E2E_ARTIFACTS, { recursive: true });
  const vsce = join(REPO, 'node_modules', '@vscode', 'vsce', 'vsce');
  const r = spawnSync(process.execPath, [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--out', out], {
    cwd: join(REPO, 'examples', 'demo-model-extension'), encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`vsce package (demo model extension) failed:\n${r.stdout}\n${r.stderr}`);
  return out;
}

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
    // A suggestion list (participants, slash commands) may take the first Enter: press again until the input is empty.
    const lines = vs.page.locator('.interactive-input-part .view-lines').first();
    await waitFor(async () => {
      await vs.page.keyboard.press('Enter');
      await new Promise((r) => setTimeout(r, 500));
      return !(await lines.innerText().catch(() => '')).includes(text.replace(/^@mcp /, '').slice(0, 8));
    }, 10000, { message: `"${text}" submitted` });
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
  /** Picks a model in the chat view's model picker, as a person does. */
  const pickModel = async (name) => {
    const picker = vs.page.locator('.interactive-input-part .model-picker-name').first();
    await waitFor(async () => {
      if ((await picker.innerText().catch(() => '')).includes(name.slice(0, 6))) return true;
      await picker.click();
      const row = vs.page.locator('.monaco-list-row', { hasText: name }).last();
      if (await row.isVisible().catch(() => false)) await row.click();
      else await vs.page.keyboard.press('Escape');
      return false;
    }, 30000, { interval: 800, message: `model "${name}" picked` });
  };
  const ourTools = async (prefix) => ((await vs.invoke('e2eTest.listTools')) ?? []).filter((n) => n.startsWith(prefix));

  before(async () => {
    vs = await startVsCode({ label: 'chat', userSettings: { 'mcpApprovalHost.servers': servers }, extraVsixes: [demoModelVsix()] });
    await waitFor(async () => {
      const r = await vs.invoke('mcpApprovalHost.callTool', 'fx', 'echo', { text: 'up' }).catch(() => null);
      return r?.content?.[0]?.text === 'echo: up';
    }, 60000, { message: 'fx server running' });
    await vs.invoke('mcpApprovalHost.showRequests');
    // Ctrl+Alt+I opens the chat, as a person does (the command if the keys went elsewhere).
    await vs.page.locator('.part.editor').click();
    await vs.page.keyboard.press('Control+Alt+KeyI');
    const input = vs.page.locator('.interactive-input-part .monaco-editor').first();
    if (!(await input.waitFor({ state: 'visible', timeout: 10000 }).then(() => true, () => false))) await vs.invoke('workbench.action.chat.open');
  });

  step("the README's walk-through: @mcp summarize with the Demo Model, the card comes from chat, Run, Send, the answer in chat", async () => {
    await pickModel(DEMO_MODEL);
    await ask('@mcp summarize: MCP servers can ask the host for a completion. The host shows the prompt first. Nothing is sent without you.');
    // summarize_text is marked read-only: VS Code runs it without asking.
    const c = await allowThenCard('sampling', { mustAsk: false });
    const text = oneLine(await c.innerText());
    assert.match(text, /Sampling request from demo/);
    assert.match(text, /during tool call summarize_text from chat/);
    await c.getByRole('button', { name: 'Run', exact: true }).click();
    const send = c.getByRole('button', { name: 'Send', exact: true });
    await send.waitFor({ state: 'visible', timeout: 20000 });
    await send.click();
    await waitResponse(/The tool returned: .*MCP servers can ask the host for a completion/);
    assert.doesNotMatch(await lastResponseText(), /No tools of MCP Approval Host servers/);
    await vs.screenshot('chat-walkthrough-answer');
    // Back to the test model for the steps below (its CALL_TOOL:<name> calls the tool named so).
    await vs.invoke('workbench.action.chat.changeModel', E2E_MODEL);
    await waitFor(async () => (await vs.page.locator('.interactive-input-part .model-picker-name').first().innerText()).includes('E2E'), 10000, { message: 'E2E Fast picked' });
  });

  after(async () => {
    await vs?.stop();
  });

  step('@mcp calls a tool that samples: VS Code asks, the card comes from chat, Run, Send, the answer shows in chat', async () => {
    await ask(`@mcp CALL_TOOL:${FX}sample please`);
    const c = await allowThenCard('sampling');
    const text = oneLine(await c.innerText());
    assert.match(text, /Sampling request from fx/);
    assert.match(text, /during tool call sample from chat/);
    await vs.screenshot('chat-sampling-card');
    await c.getByRole('button', { name: 'Run', exact: true }).click();
    const send = c.getByRole('button', { name: 'Send', exact: true });
    await send.waitFor({ state: 'visible', timeout: 20000 });
    await send.click();
    // The card preselects the first model VS Code lists: the Demo Model or E2E Fast.
    await waitResponse(/the tool said: .*"model":"(demo-rules|e2e-fast)"/);
    await vs.screenshot('chat-sampling-answer');
    const log = vs.modelLog();
    const call = log.find((e) => e.event === 'toolCall');
    assert.equal(call.name, `${FX}sample`);
  });

  step('@mcp with an elicitation: Accept sends the form to the server', async () => {
    await ask(`@mcp CALL_TOOL:${FX}elicit now`);
    const c = await allowThenCard('elicitation');
    assert.match(oneLine(await c.innerText()), /from chat/);
    await c.getByRole('textbox', { name: 'Name' }).fill('Ada from chat');
    await c.getByRole('button', { name: 'Accept' }).click();
    await waitResponse(/the tool said: .*"action":"accept".*Ada from chat/);
  });

  step('@mcp with an elicitation: Decline reaches the server as decline', async () => {
    await ask(`@mcp CALL_TOOL:${FX}elicit again`);
    const c = await allowThenCard('elicitation', { mustAsk: false });
    await c.getByRole('button', { name: 'Decline' }).click();
    await waitResponse(/the tool said: .*"action":"decline"/);
  });

  step('Stop in chat cancels the MCP call: the waiting card closes', async () => {
    await ask(`@mcp CALL_TOOL:${FX}sample stop me`);
    const c = await allowThenCard('sampling', { mustAsk: false });
    assert.match(oneLine(await c.innerText()), /from chat/);
    await vs.invoke('workbench.action.chat.cancel');
    const closed = (await requests()).locator('article.card-sampling.card-closed').last();
    await closed.waitFor({ state: 'visible', timeout: 20000 });
    assert.match(oneLine(await closed.innerText()), /Cancelled by the server/);
    await closed.getByRole('button', { name: 'Dismiss', exact: true }).click();
  });

  step('/tools lists the servers and their tools', async () => {
    await ask('@mcp /tools');
    await waitResponse(/fx.*sample.*modern.*echo/);
  });

  step('a stopped server leaves chat: its tools are gone from vscode.lm.tools, and come back when it starts', async () => {
    await waitFor(async () => (await ourTools(FX)).length > 0, 20000, { message: 'fx tools in chat' });
    await vs.invoke('mcpApprovalHost.stopServer', 'fx');
    await waitFor(async () => (await ourTools(FX)).length === 0, 30000, { message: 'fx tools gone from chat' });
    await ask('@mcp /tools');
    await waitResponse(/fx — not running/);
    await vs.invoke('mcpApprovalHost.startServer', 'fx');
    // VS Code lists the tools again once it reconnects (on the next request that needs tools).
    await ask(`@mcp CALL_TOOL:${FX}echo hello`);
    const allow = session().getByRole('button', { name: /^Allow/ }).first();
    await waitFor(async () => {
      if (await allow.isVisible().catch(() => false)) await allow.click();
      return /the tool said: .*echo: e2e/.test(await lastResponseText());
    }, 45000, { message: 'echo ran through chat again' });
    assert.ok((await ourTools(FX)).length > 0, 'fx tools back in chat');
  });
});
