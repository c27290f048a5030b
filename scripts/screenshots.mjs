#!/usr/bin/env node
// `npm run screenshots`: the README's pictures, taken from the real product. Builds the
// VSIX, starts VS Code (code-server + Chromium, the end-to-end harness) with the demo MCP
// server and the demo model (examples/), drives each part the way a person would and
// saves each view, cropped to the side bar or the chat, in the dark and the light theme:
//
//   media/screenshots/<shot>-dark.png, <shot>-light.png
//   shots: sampling, elicitation, url-consent, servers, chat (chat: only when an `@mcp`
//   chat participant is registered; otherwise skipped with a message)
//
// PNGs are quantised with pngquant when it is on PATH (apt-get install pngquant), which
// makes them about three times smaller; without it they are written as Chromium made them.
// They are linked from README.md and never packaged (.vscodeignore).
//
//   node scripts/screenshots.mjs [shot…]     only these shots (default: all)
//   E2E_KEEP=1 / E2E_VERBOSE=1               as for the end-to-end tests
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DARK_THEME, LIGHT_THEME, REPO, startVsCode, waitFor } from '../test/e2e/harness.mjs';
import { provision } from '../test/e2e/provision.mjs';

const OUT = join(REPO, 'media', 'screenshots');
const WORK = join(REPO, 'artifacts', 'screenshots-work');
const ALL = ['servers', 'sampling', 'elicitation', 'url-consent', 'chat'];
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const shots = wanted.length ? ALL.filter((s) => wanted.includes(s)) : ALL;
const log = (msg) => process.stderr.write(`screenshots: ${msg}\n`);

/**
 * How the pictures find the Requests panel's cards. The panel is the part most likely to
 * change: when a shot fails with "card … not found", update these (and look at
 * artifacts/screenshots/fail-screenshots-<shot>.png).
 */
const CARD = {
  sampling: 'article.card-sampling:not(.card-closed)',
  elicitation: 'article.card-elicitation:not(.card-closed)',
};

const SUMMARY_TEXT = [
  'Incident 2291: between 09:12 and 09:47 UTC the checkout service returned HTTP 503 for about 18% of requests.',
  'The cause was a connection pool limit of 50 on the payments database, reached after the 09:00 deploy doubled the number of workers.',
  'The pool was raised to 120 at 09:41 and errors stopped six minutes later. No payments were lost; 1,240 orders were retried automatically.',
].join(' ');

function packageDemoModel() {
  const out = join(WORK, 'demo-model.vsix');
  mkdirSync(WORK, { recursive: true });
  const r = spawnSync(process.execPath, [join(REPO, 'node_modules', '@vscode', 'vsce', 'vsce'), 'package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--out', out], {
    cwd: join(REPO, 'examples', 'demo-model-extension'), encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`packaging the demo model failed:\n${r.stdout}\n${r.stderr}`);
  return out;
}

/** Installs the demo model next to the harness' extensions and reloads the window so it loads. */
async function addDemoModel(vs) {
  const paths = provision({ quiet: true });
  const r = spawnSync(paths.node24, [paths.codeServerEntry, '--user-data-dir', vs.userDataDir, '--extensions-dir', vs.extensionsDir, '--install-extension', packageDemoModel(), '--force'], { encoding: 'utf8', timeout: 120000 });
  if (r.status !== 0) throw new Error(`installing the demo model failed:\n${r.stdout}\n${r.stderr}`);
  rmSync(join(vs.controlDir, 'ready.json'), { force: true });
  await vs.runCommand('Developer: Reload Window');
  await vs.page.locator('.monaco-workbench').waitFor({ state: 'attached', timeout: 60000 });
  await waitFor(() => existsSync(join(vs.controlDir, 'ready.json')), 60000, { message: 'extension host up again after the reload' });
  await vs.page.locator('.part.activitybar').waitFor({ state: 'visible', timeout: 30000 });
}

/** The installed main extension's manifest (to see whether an `@mcp` chat participant exists). */
function installedManifest(vs) {
  const dir = readdirSync(vs.extensionsDir).find((d) => d.startsWith('mcp-approval-host.mcp-approval-host-'));
  return dir ? JSON.parse(readFileSync(join(vs.extensionsDir, dir, 'package.json'), 'utf8')) : {};
}

/** Rectangle of the activity bar and the side bar, from the top of the side bar down to `bottom`. */
async function sideBarClip(page, bottom) {
  const bar = await page.locator('.part.activitybar').first().boundingBox();
  const side = await page.locator('.part.sidebar').first().boundingBox();
  const end = Math.min(side.y + side.height, bottom ?? side.y + side.height);
  return { x: bar.x, y: side.y, width: side.x + side.width - bar.x, height: Math.round(end - side.y) };
}

function compress(file) {
  const q = spawnSync('pngquant', ['--quality', '70-95', '--speed', '1', '--strip', '--skip-if-larger', '--force', '--output', `${file}.q`, file], { encoding: 'utf8' });
  if (q.error) return 'as is (no pngquant)';
  if (existsSync(`${file}.q`)) renameSync(`${file}.q`, file);
  return q.status === 0 ? 'pngquant' : `as is (pngquant exit ${q.status})`;
}

/** Saves `<name>-dark.png` and `<name>-light.png` of the same state, switching the theme in between. */
async function capture(vs, name, clipFn) {
  mkdirSync(OUT, { recursive: true });
  for (const [theme, suffix] of [[DARK_THEME, 'dark'], [LIGHT_THEME, 'light']]) {
    await vs.setTheme(theme);
    await vs.clearNotifications();
    await vs.page.mouse.move(1, 1);
    await sleep(400);
    const file = join(OUT, `${name}-${suffix}.png`);
    await vs.page.screenshot({ path: file, clip: await clipFn() });
    log(`${name}-${suffix}.png ${(statSync(file).size / 1024).toFixed(0)} KB → ${compress(file)}, ${(statSync(file).size / 1024).toFixed(0)} KB`);
  }
  await vs.setTheme(DARK_THEME);
}

async function widenSideBar(page, width) {
  const bar = await page.locator('.part.sidebar').first().boundingBox();
  if (!bar || bar.width >= width) return;
  const x = bar.x + bar.width + 1;
  const y = bar.y + bar.height / 2;
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(x + (width - bar.width), y, { steps: 10 });
  await page.mouse.up();
}

async function setPane(vs, title, expanded) {
  const header = vs.viewPane(title).locator('.pane-header').first();
  await header.waitFor({ state: 'visible', timeout: 15000 });
  if (((await header.getAttribute('aria-expanded')) === 'true') !== expanded) await header.click();
}

/** Calls a demo tool without waiting for its result (the card is answered by the shot). */
function callDemo(vs, tool, args) {
  const p = vs.invokeWithTimeout(180000, 'mcpApprovalHost.callTool', 'demo', tool, args);
  p.catch(() => {});
  return p;
}

async function openCard(vs, selector) {
  await setPane(vs, 'Servers', false);
  const frame = await vs.webviewFrame('Requests');
  const card = frame.locator(selector).first();
  await card.waitFor({ state: 'visible', timeout: 30000 }).catch((err) => {
    throw new Error(`card ${selector} not found in the Requests view (see CARD in scripts/screenshots.mjs): ${err.message.split('\n')[0]}`);
  });
  return { frame, card };
}

/** Scrolls the Requests view to its top (the card under review is the only one) and blurs the focused field. */
const toTop = (card) => card.evaluate(() => {
  if (document.activeElement instanceof HTMLElement) document.activeElement.blur();
  window.scrollTo(0, 0);
});

/** Clip from the top of the side bar to the bottom of `locator` (in a webview), plus a margin. */
const clipTo = (vs, locator) => async () => {
  const box = await locator.boundingBox();
  return sideBarClip(vs.page, box ? box.y + box.height + 8 : undefined);
};

/** Answers whatever card is still open (Reject / Cancel / Dismiss) so the next shot starts clean. */
async function clearCards(vs) {
  const frame = await vs.webviewFrame('Requests');
  for (let i = 0; i < 10; i++) {
    const button = frame.getByRole('button', { name: /^(Reject|Cancel|Dismiss)$/ }).first();
    if (!(await button.count())) return;
    await button.click().catch(() => {});
    await sleep(300);
  }
}

const SHOTS = {
  async servers(vs) {
    await setPane(vs, 'Requests', false);
    await setPane(vs, 'Servers', true);
    await vs.expandTreeItem('demo');
    await vs.expandTreeItem('Tools').catch(() => {});
    const rows = vs.viewPane('Servers').locator('.monaco-list-row');
    await waitFor(async () => (await rows.count()) > 3, 15000, { message: 'the demo server\'s tools in the tree' });
    await capture(vs, 'servers', clipTo(vs, rows.last()));
    await setPane(vs, 'Requests', true);
  },

  async sampling(vs) {
    const pending = callDemo(vs, 'summarize_text', { text: SUMMARY_TEXT });
    const { card } = await openCard(vs, CARD.sampling);
    await card.getByRole('button', { name: 'Run', exact: true }).click();
    const send = card.getByRole('button', { name: 'Send', exact: true });
    await send.waitFor({ state: 'visible', timeout: 30000 });
    await waitFor(async () => {
      const box = card.getByRole('textbox', { name: 'Completion', exact: true });
      return (await box.count()) > 0 && (await box.inputValue()).length > 20;
    }, 20000, { message: 'the streamed completion' });
    await toTop(card);
    await capture(vs, 'sampling', clipTo(vs, card));
    await send.click();
    await pending;
  },

  async elicitation(vs) {
    const pending = callDemo(vs, 'book_trip', { destination: 'Lisbon' });
    const { card } = await openCard(vs, CARD.elicitation);
    // Half filled in, as a person would have it when deciding.
    await card.getByRole('textbox', { name: 'Traveller name' }).fill('Ada Lovelace').catch(() => {});
    await card.getByRole('textbox', { name: 'Email for the confirmation' }).fill('ada@example.com').catch(() => {});
    await card.getByLabel('Departure date').fill('2026-06-12').catch(() => {});
    await toTop(card);
    await capture(vs, 'elicitation', clipTo(vs, card));
    await card.getByRole('button', { name: 'Cancel', exact: true }).click();
    await pending.catch(() => {});
  },

  async 'url-consent'(vs) {
    const pending = callDemo(vs, 'sign_in', { provider: 'github' });
    const { card } = await openCard(vs, CARD.elicitation);
    await toTop(card);
    await capture(vs, 'url-consent', clipTo(vs, card));
    await card.getByRole('button', { name: /^(Decline|Cancel)$/ }).first().click();
    await pending.catch(() => {});
  },

  async chat(vs) {
    const participants = installedManifest(vs).contributes?.chatParticipants ?? [];
    const mcp = participants.find((p) => p.name === 'mcp');
    if (!mcp) {
      log('chat: skipped — no `@mcp` chat participant is registered by this build (contributes.chatParticipants); re-run once it exists');
      return 'skipped';
    }
    const hasTools = (mcp.commands ?? []).some((c) => c.name === 'tools');
    const prompt = process.env.SCREENSHOT_CHAT_PROMPT ?? (hasTools ? '@mcp /tools' : `@mcp Summarize this with the demo server: ${SUMMARY_TEXT}`);
    await vs.runCommand('Chat: Open Chat', { exact: false }).catch(() => vs.invoke('workbench.action.chat.open'));
    const input = vs.page.locator('.interactive-input-part .monaco-editor').first();
    await input.waitFor({ state: 'visible', timeout: 20000 });
    await input.click();
    await vs.page.keyboard.type(prompt, { delay: 5 });
    // A suggestion list (participants, slash commands) may take the first Enter: press again
    // until the input no longer holds the prompt.
    const lines = vs.page.locator('.interactive-input-part .view-lines').first();
    for (let i = 0; i < 20; i++) {
      await vs.page.keyboard.press('Enter');
      await sleep(500);
      if (!(await lines.innerText().catch(() => '')).includes(prompt.replace(/^@mcp /, '').slice(0, 8))) break;
    }
    const session = vs.page.locator('.interactive-session').first();
    // Answer VS Code's tool confirmation and any card the tool opens, then wait until the reply settles.
    let last = '';
    let stableSince = Date.now();
    const deadline = Date.now() + 60000;
    while (Date.now() < deadline && Date.now() - stableSince < 3000) {
      const allow = session.getByRole('button', { name: /^Allow/ }).first();
      if (await allow.isVisible().catch(() => false)) await allow.click().catch(() => {});
      const text = await session.innerText().catch(() => '');
      if (text !== last) { last = text; stableSince = Date.now(); }
      await sleep(500);
    }
    const aux = vs.page.locator('.part.auxiliarybar').first();
    const where = (await aux.isVisible().catch(() => false)) ? aux : vs.page.locator('.part.sidebar').first();
    await capture(vs, 'chat', async () => where.boundingBox());
    return undefined;
  },
};

async function main() {
  rmSync(WORK, { recursive: true, force: true });
  const demoServer = { type: 'stdio', command: 'node', args: [join(REPO, 'examples', 'demo-server', 'server.mjs')], allowedModels: ['demo-rules'], maxRequestsPerMinute: 100 };
  const vs = await startVsCode({
    label: 'screenshots',
    viewport: { width: 1400, height: 1300 },
    userSettings: { 'mcpApprovalHost.servers': { demo: demoServer }, 'workbench.activityBar.location': 'default' },
  });
  const failed = [];
  try {
    await addDemoModel(vs);
    const models = await vs.invoke('e2eTest.listModels').catch(() => []);
    log(`test models: ${models.map((m) => m.id).join(', ')}; the demo server may only use the demo model (allowedModels)`);
    await vs.openViewContainer();
    await widenSideBar(vs.page, 620);
    await waitFor(async () => (await vs.readServersTree()).some((r) => r.label === 'demo' && /running/i.test(r.description)), 60000, { message: 'the demo server running' });
    for (const shot of shots) {
      try {
        log(`${shot}…`);
        const result = await SHOTS[shot](vs);
        if (result !== 'skipped') await clearCards(vs).catch(() => {});
      } catch (err) {
        failed.push(shot);
        log(`${shot} FAILED: ${err instanceof Error ? err.message : String(err)}`);
        await vs.screenshot(`fail-screenshots-${shot}`).catch(() => {});
        await vs.setTheme(DARK_THEME).catch(() => {});
        await clearCards(vs).catch(() => {});
      }
    }
  } finally {
    await vs.stop();
  }
  if (failed.length) {
    log(`failed: ${failed.join(', ')} (what the window showed: artifacts/screenshots/fail-screenshots-*.png)`);
    process.exit(1);
  }
  log(`done: ${OUT}`);
}

main().catch((err) => {
  log(err instanceof Error ? err.stack ?? err.message : String(err));
  process.exit(1);
});
