// Test-only extension for `npm run bench` (test/bench/browser.mjs): the floor of the stack.
// A bare webview panel (inline script, no framework) that shows what the extension posts to
// it, timed the same way as the Requests panel of MCP Approval Host:
//   benchFloor.open                 → opens the "Bench Floor" panel, resolves when its script runs
//   benchFloor.post(prefix, count, start) → posts `count` items at once (one postMessage each);
//                                     returns { t0, sentAt } (epoch ms, sub-ms precision)
//   benchFloor.clear                → empties the list
// Each item is `<marker> …` plus a "Reject" button; a click goes to the extension, which
// posts "rejected" back, and the webview then drops the button (the click's round trip).
//
// It is also the floor of the AUTO PATH: the least an extension can do to answer an MCP
// server's `sampling/createMessage` through `vscode.lm` (see mcpFloor.js):
//   benchFloor.mcpStart({ command, args, env, consume }) → spawns the server, initializes it,
//                                     answers its sampling requests; resolves { pid, model }
//   benchFloor.mcpConsume('text' | 'stream') → how the reply is read (response.text or .stream)
//   benchFloor.mcpTimes()             → per-request timestamps taken here, then cleared
//   benchFloor.mcpStop()              → ends the server (also on deactivate)
//   benchFloor.hostRoundTrip(count)   → times `count` bare extension host → workbench → extension
//                                     host round trips (setContext), in ms
'use strict';

const vscode = require('vscode');
const { performance } = require('node:perf_hooks');
const crypto = require('node:crypto');
const mcpFloor = require('./mcpFloor.js');

const now = () => performance.timeOrigin + performance.now();
const pad = (i) => String(i).padStart(4, '0');

/** @type {vscode.WebviewPanel | undefined} */
let panel;
/** @type {Promise<void> | undefined} */
let ready;

function html(nonce) {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}';">
<style nonce="${nonce}">body{font-family:var(--vscode-font-family);color:var(--vscode-foreground)} .item{padding:4px 0;border-bottom:1px solid var(--vscode-panel-border)}</style>
<title>Bench Floor</title></head>
<body><main id="list" aria-label="Items"></main>
<script nonce="${nonce}">
const vscode = acquireVsCodeApi();
const list = document.getElementById('list');
const items = new Map();
window.addEventListener('message', (event) => {
  const m = event.data;
  if (m.type === 'item') {
    const item = document.createElement('article');
    item.className = 'item';
    const text = document.createElement('p');
    text.textContent = m.text;
    const button = document.createElement('button');
    button.textContent = 'Reject';
    button.addEventListener('click', () => vscode.postMessage({ type: 'reject', marker: m.marker }));
    item.append(text, button);
    list.append(item);
    items.set(m.marker, item);
  } else if (m.type === 'rejected') {
    const item = items.get(m.marker);
    if (item) {
      item.querySelector('button')?.remove();
      item.append('rejected');
    }
  } else if (m.type === 'clear') {
    list.textContent = '';
    items.clear();
  }
});
vscode.postMessage({ type: 'ready' });
</script></body></html>`;
}

function open() {
  if (panel) {
    panel.reveal(vscode.ViewColumn.One, true);
    return ready;
  }
  panel = vscode.window.createWebviewPanel('benchFloor', 'Bench Floor', { viewColumn: vscode.ViewColumn.One, preserveFocus: true }, {
    enableScripts: true,
    retainContextWhenHidden: true,
  });
  let resolveReady;
  ready = new Promise((r) => { resolveReady = r; });
  panel.webview.onDidReceiveMessage((m) => {
    if (m && m.type === 'ready') resolveReady();
    else if (m && m.type === 'reject' && typeof m.marker === 'string') void panel.webview.postMessage({ type: 'rejected', marker: m.marker });
  });
  panel.onDidDispose(() => { panel = undefined; ready = undefined; });
  panel.webview.html = html(crypto.randomBytes(16).toString('base64'));
  return ready;
}

async function post(prefix, count, start = 0) {
  // Open once; never reveal again here (that would put workbench work next to the posts).
  await (panel ? ready : open());
  const n = Math.max(0, Math.min(2000, Number(count) || 0));
  const sentAt = [];
  const t0 = now();
  for (let i = 0; i < n; i++) {
    const marker = `${prefix}-${pad(start + i)}`;
    sentAt.push(now());
    void panel.webview.postMessage({ type: 'item', marker, text: `${marker} reply to: a prompt from the benchmark` });
  }
  return { t0, sentAt };
}

/**
 * One bare round trip from this extension host to the workbench and back: `setContext` runs in
 * the workbench (MainThreadCommands) and answers. What one crossing pair costs here.
 */
async function hostRoundTrip(count = 50) {
  const n = Math.max(1, Math.min(1000, Number(count) || 50));
  const times = [];
  for (let i = 0; i < n; i++) {
    const t = now();
    await vscode.commands.executeCommand('setContext', 'benchFloor.tick', i);
    times.push(now() - t);
  }
  return times;
}

/** @param {vscode.ExtensionContext} context */
function activate(context) {
  context.subscriptions.push(
    vscode.commands.registerCommand('benchFloor.open', async () => { await open(); return true; }),
    vscode.commands.registerCommand('benchFloor.post', post),
    vscode.commands.registerCommand('benchFloor.clear', async () => { if (panel) await panel.webview.postMessage({ type: 'clear' }); return true; }),
    { dispose: () => panel?.dispose() },
    vscode.commands.registerCommand('benchFloor.mcpStart', mcpFloor.start),
    vscode.commands.registerCommand('benchFloor.mcpConsume', mcpFloor.consume),
    vscode.commands.registerCommand('benchFloor.mcpTimes', mcpFloor.takeTimes),
    vscode.commands.registerCommand('benchFloor.mcpStop', mcpFloor.stop),
    vscode.commands.registerCommand('benchFloor.hostRoundTrip', hostRoundTrip),
    { dispose: mcpFloor.stop },
  );
}

function deactivate() {}

module.exports = { activate, deactivate };
