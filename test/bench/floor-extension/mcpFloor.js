// Test-only (never shipped): the floor of the AUTO PATH for an extension, for `npm run bench`.
// The least an extension can do to answer an MCP server's `sampling/createMessage` through
// `vscode.lm`: spawn the server over stdio, speak the minimal newline-delimited JSON-RPC by
// hand (initialize → initialized; answer sampling by calling a cached chat model's
// `sendRequest` with the request's text and collecting the reply), no SDK, no validation, no
// review, no audit, no limits. What our host does on top of that is what the benchmark shows.
//
// Besides answering, it takes timestamps here (epoch ms, sub-ms): the request's line parsed,
// `sendRequest` resolved, the first part, the end of the reply, the answer written.
'use strict';

const vscode = require('vscode');
const { spawn } = require('node:child_process');
const { performance } = require('node:perf_hooks');

const now = () => performance.timeOrigin + performance.now();
const VENDOR = 'e2e-test';
const MODEL_ID = 'e2e-fast';
const MAX_LINE = 8 * 1024 * 1024;
const MAX_TIMES = 10_000;

/** @type {import('node:child_process').ChildProcessWithoutNullStreams | undefined} */
let child;
/** @type {vscode.LanguageModelChat | undefined} */
let model;
/** @type {vscode.Disposable | undefined} */
let modelWatch;
/** 'text' = `response.text`; 'stream' = `response.stream` (LanguageModelTextPart values). */
let mode = 'text';
/** @type {Array<{ in: number, started: number, first?: number, end: number, out: number, mode: string }>} */
let times = [];
/** Our own requests to the server (only `initialize`): id → resolve/reject. */
const outgoing = new Map();
/** The server's requests in progress: id → CancellationTokenSource. */
const incoming = new Map();
let stderrTail = '';

function write(message) {
  if (child && child.stdin.writable) child.stdin.write(`${JSON.stringify(message)}\n`);
}

function textOf(messages) {
  const parts = [];
  for (const m of Array.isArray(messages) ? messages : []) {
    const content = Array.isArray(m?.content) ? m.content : [m?.content];
    for (const c of content) if (c && c.type === 'text' && typeof c.text === 'string') parts.push(c.text);
  }
  return parts.join('\n');
}

async function answerSampling(id, params, tIn) {
  const cts = new vscode.CancellationTokenSource();
  incoming.set(id, cts);
  try {
    if (!model) throw new Error(`no ${MODEL_ID} model`);
    const used = mode;
    const response = await model.sendRequest([vscode.LanguageModelChatMessage.User(textOf(params?.messages))], {}, cts.token);
    const started = now();
    let first;
    let text = '';
    if (used === 'stream') {
      for await (const part of response.stream) {
        first ??= now();
        if (part instanceof vscode.LanguageModelTextPart) text += part.value;
      }
    } else {
      for await (const piece of response.text) {
        first ??= now();
        text += piece;
      }
    }
    const end = now();
    write({ jsonrpc: '2.0', id, result: { role: 'assistant', content: { type: 'text', text }, model: model.id, stopReason: 'endTurn' } });
    if (times.length < MAX_TIMES) times.push({ in: tIn, started, first, end, out: now(), mode: used });
  } catch (err) {
    write({ jsonrpc: '2.0', id, error: { code: -32603, message: String(err?.message ?? err).slice(0, 500) } });
  } finally {
    incoming.delete(id);
    cts.dispose();
  }
}

function onMessage(msg, tIn) {
  if (!msg || typeof msg !== 'object') return;
  if (msg.method === undefined && msg.id !== undefined) {
    const waiter = outgoing.get(msg.id);
    if (waiter) {
      outgoing.delete(msg.id);
      if (msg.error) waiter.reject(new Error(String(msg.error.message)));
      else waiter.resolve(msg.result);
    }
    return;
  }
  if (msg.id === undefined) {
    if (msg.method === 'notifications/cancelled') incoming.get(msg.params?.requestId)?.cancel();
    return;
  }
  if (msg.method === 'sampling/createMessage') void answerSampling(msg.id, msg.params, tIn);
  else if (msg.method === 'ping') write({ jsonrpc: '2.0', id: msg.id, result: {} });
  else write({ jsonrpc: '2.0', id: msg.id, error: { code: -32601, message: 'Method not found' } });
}

async function cachedModel() {
  const [m] = await vscode.lm.selectChatModels({ vendor: VENDOR, id: MODEL_ID });
  return m;
}

/**
 * @param {{ command: string, args?: string[], env?: Record<string, string>, consume?: string }} options
 * @returns {Promise<{ pid: number | undefined, model: string }>}
 */
async function start(options) {
  await stop();
  if (options?.consume) consume(options.consume);
  model = await cachedModel();
  if (!model) throw new Error(`no ${VENDOR}/${MODEL_ID} chat model`);
  modelWatch ??= vscode.lm.onDidChangeChatModels(async () => { model = (await cachedModel()) ?? model; });

  const proc = spawn(options.command, options.args ?? [], { env: { ...process.env, ...(options.env ?? {}) }, stdio: ['pipe', 'pipe', 'pipe'] });
  child = proc;
  stderrTail = '';
  proc.stderr.setEncoding('utf8');
  proc.stderr.on('data', (d) => { stderrTail = (stderrTail + d).slice(-2000); });
  proc.stdin.on('error', () => {});
  let buffer = '';
  proc.stdout.setEncoding('utf8');
  proc.stdout.on('data', (data) => {
    const t = now();
    buffer += data;
    let nl;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      if (!line.trim()) continue;
      let msg;
      try { msg = JSON.parse(line); } catch { continue; }
      onMessage(msg, t);
    }
    if (buffer.length > MAX_LINE) buffer = '';
  });
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  proc.once('exit', () => {
    if (child === proc) child = undefined;
    for (const cts of incoming.values()) cts.cancel();
    for (const w of outgoing.values()) w.reject(new Error(`the server exited: ${stderrTail.slice(-300)}`));
    outgoing.clear();
  });
  proc.once('error', (err) => { for (const w of outgoing.values()) w.reject(err); outgoing.clear(); });
  /** @type {any} */ (proc).exited = exited;

  const init = new Promise((resolve, reject) => {
    outgoing.set(0, { resolve, reject });
    setTimeout(() => reject(new Error('initialize: no answer within 30 s')), 30_000).unref();
  });
  write({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: { sampling: {} }, clientInfo: { name: 'bench-floor', version: '0.0.1' } } });
  try {
    await init;
  } catch (err) {
    await stop();
    throw err;
  }
  write({ jsonrpc: '2.0', method: 'notifications/initialized' });
  return { pid: proc.pid, model: model.id };
}

function consume(which) {
  if (which !== 'text' && which !== 'stream') throw new Error(`consume: 'text' or 'stream', not ${which}`);
  mode = which;
  return mode;
}

function takeTimes() {
  const out = times;
  times = [];
  return out;
}

/** Ends the server: closes its stdin (it exits), SIGKILL after 2 s. */
async function stop() {
  const proc = child;
  child = undefined;
  for (const cts of incoming.values()) cts.cancel();
  if (!proc) return true;
  const exited = /** @type {any} */ (proc).exited;
  if (proc.exitCode === null && proc.signalCode === null) {
    proc.stdin.end();
    const timer = setTimeout(() => proc.kill('SIGKILL'), 2000);
    await exited;
    clearTimeout(timer);
  }
  return true;
}

module.exports = { start, consume, takeTimes, stop };
