#!/usr/bin/env node
// A measurement of the Requests panel under load, run by hand (not a test: nothing here
// asserts a time). In code-server + Chromium, as the e2e tests run:
//   node test/e2e/probe/panelLoad.mjs          (build the VSIX first: node test/e2e/run.mjs builds it)
// Prints: request → card text in the DOM (p50/p95 of single requests with the panel open),
// 200 requests at once → all on screen, a Reject click → its card gone while the others wait,
// Reject all, a 1 MB prompt → card, and the longest webview task (PerformanceObserver longtask).
// Times are Date.now() on one machine: the probe server stamps each prompt when it sends it,
// the webview stamps when the text appears.
import { join } from 'node:path';
import { DARK_THEME, REPO, startVsCode, waitFor } from '../harness.mjs';

const probe = { type: 'stdio', command: 'node', args: [join(REPO, 'test', 'e2e', 'probe', 'burst-server.mjs')], maxRequestsPerMinute: 100000 };
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

const vs = await startVsCode({ label: 'panel-probe', theme: DARK_THEME, userSettings: { 'mcpApprovalHost.servers': { probe } } });
try {
  const frame = await vs.webviewFrame('Requests');
  await waitFor(async () => /1\/1 servers running/.test(await frame.locator('.status-line').innerText()), 30000, { message: 'probe server running' });
  // In-page recorders: card arrival (from the stamp in its text), removals, clicks, long tasks.
  await frame.evaluate(() => {
    const w = /** @type {any} */ (window);
    w.__probe = { seen: new Map(), removed: new Map(), clicks: [], longTasks: [] };
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.__probe.longTasks.push(e.duration);
    }).observe({ type: 'longtask', buffered: false });
    document.addEventListener('click', (e) => {
      const card = /** @type {HTMLElement} */ (e.target).closest?.('[data-request-id]');
      if (card) w.__probe.clicks.push({ id: card.getAttribute('data-request-id'), at: Date.now() });
    }, true);
    const scan = (node) => {
      if (!(node instanceof HTMLElement)) return;
      const cards = node.matches('[data-request-id]') ? [node] : [...node.querySelectorAll('[data-request-id]')];
      for (const c of cards) {
        const m = /probe (\d+) sent (\d+)/.exec(c.textContent ?? '');
        const id = c.getAttribute('data-request-id');
        if (m && !w.__probe.seen.has(id)) w.__probe.seen.set(id, { i: Number(m[1]), latency: Date.now() - Number(m[2]), at: Date.now() });
      }
    };
    new MutationObserver((records) => {
      for (const r of records) {
        r.addedNodes.forEach(scan);
        r.removedNodes.forEach((n) => {
          if (n instanceof HTMLElement && n.matches('[data-request-id]') && !document.querySelector(`[data-request-id="${n.getAttribute('data-request-id')}"]`)) w.__probe.removed.set(n.getAttribute('data-request-id'), Date.now());
        });
      }
    }).observe(document.body, { childList: true, subtree: true });
    w.__probe.reset = () => {
      w.__probe.seen.clear();
      w.__probe.removed.clear();
      w.__probe.clicks.length = 0;
      w.__probe.longTasks.length = 0;
    };
  });
  const openCount = () => frame.evaluate(() => document.querySelectorAll('.cards > [data-request-id]:not(.card-closed)').length);
  // Clears the queue between measurements (Reject all, or the one card's Reject), without waiting on locators.
  const rejectAll = async () => {
    for (let i = 0; i < 100 && (await openCount()) > 0; i++) {
      await frame.evaluate(() => {
        const buttons = [...document.querySelectorAll('.queue-bar vscode-button, .cards > [data-request-id]:not(.card-closed) vscode-button')];
        const b = buttons.find((x) => /^Reject( all|$)/.test(x.textContent?.trim() ?? ''));
        /** @type {HTMLElement | undefined} */ (b)?.click();
      });
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const stats = () => frame.evaluate(() => {
    const w = /** @type {any} */ (window);
    return { seen: [...w.__probe.seen.values()], removed: Object.fromEntries(w.__probe.removed), clicks: w.__probe.clicks, longTasks: w.__probe.longTasks };
  });
  const burst = (n, size) => vs.invokeWithTimeout(300000, 'mcpApprovalHost.callTool', 'probe', 'burst', { n, ...(size && { size }) }).catch(() => {});
  await rejectAll();

  // 1. Single requests with the panel open.
  const singles = [];
  for (let k = 0; k < 20; k++) {
    await frame.evaluate(() => /** @type {any} */ (window).__probe.reset());
    const done = burst(1);
    await waitFor(async () => (await stats()).seen.length === 1, 20000);
    singles.push((await stats()).seen[0].latency);
    await rejectAll();
    await done;
  }
  const singleTasks = (await stats()).longTasks;

  // 2. 200 at once, then a click with 199 pending, then Reject all.
  await frame.evaluate(() => /** @type {any} */ (window).__probe.reset());
  const t0 = Date.now();
  const big = burst(200);
  await waitFor(async () => (await stats()).seen.length === 200, 120000, { interval: 50 });
  const s200 = await stats();
  const allOnScreen = Math.max(...s200.seen.map((s) => s.at)) - t0;
  const lastLatency = Math.max(...s200.seen.map((s) => s.latency));
  await new Promise((r) => setTimeout(r, 1000));
  const first = frame.locator('.cards > [data-request-id]').first();
  const firstId = await first.getAttribute('data-request-id');
  await first.getByRole('button', { name: 'Reject', exact: true }).click();
  await waitFor(async () => (await stats()).removed[firstId] !== undefined, 20000, { interval: 20 });
  const sClick = await stats();
  const clickEffect = sClick.removed[firstId] - sClick.clicks.find((c) => c.id === firstId).at;
  const tasks200 = sClick.longTasks;
  await frame.evaluate(() => /** @type {any} */ (window).__probe.reset());
  const tAll = Date.now();
  await frame.locator('.queue-bar vscode-button').first().click();
  await waitFor(async () => (await openCount()) === 0, 60000, { interval: 50 });
  const rejectAllMs = Date.now() - tAll;
  const tasksRejectAll = (await stats()).longTasks;
  await big;

  // 3. A 1 MB prompt.
  await frame.evaluate(() => /** @type {any} */ (window).__probe.reset());
  const mb = burst(1, 1_000_000);
  await waitFor(async () => (await stats()).seen.length === 1, 60000, { interval: 20 });
  const s1mb = await stats();
  await new Promise((r) => setTimeout(r, 500));
  const tasks1mb = (await stats()).longTasks;
  await rejectAll();
  await mb;

  const max = (xs) => (xs.length ? Math.max(...xs).toFixed(0) : 'none > 50');
  console.log(JSON.stringify({
    singleRequestToCardMs: { p50: pct(singles, 50), p95: pct(singles, 95), all: singles },
    singleLongestTaskMs: max(singleTasks),
    twoHundred: { allOnScreenMs: allOnScreen, slowestRequestToCardMs: lastLatency, longestTaskMs: max(tasks200), longTasks: tasks200.length },
    clickRejectWith199PendingMs: clickEffect,
    rejectAll199Ms: rejectAllMs,
    rejectAllLongestTaskMs: max(tasksRejectAll),
    oneMegabytePrompt: { requestToCardMs: s1mb.seen[0]?.latency, longestTaskMs: max(tasks1mb) },
  }, null, 2));
  await vs.screenshot('panel-probe-end');
} finally {
  await vs.stop();
}
