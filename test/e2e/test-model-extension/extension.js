// Test-only extension for the MCP Approval Host end-to-end tests. Never shipped.
//
// 1. Registers deterministic language models (vendor `e2e-test`) through the stable
//    `vscode.lm.registerLanguageModelChatProvider` API and records every request they
//    receive to `<controlDir>/model-log.jsonl` (or $E2E_MODEL_LOG).
// 2. Runs a file-based command bridge so tests can call any command with arguments
//    without keybindings: the harness writes `<controlDir>/inbox/<id>.json`
//    ({ command, args }), this extension runs `vscode.commands.executeCommand` and
//    writes `<controlDir>/outbox/<id>.json` ({ ok, result } | { ok: false, error }).
//
// The control folder comes from the `e2eTest.controlDir` setting (written by the
// harness into the user settings) or $E2E_CONTROL_DIR.
'use strict';

const vscode = require('vscode');
const fs = require('node:fs');
const path = require('node:path');

const VENDOR = 'e2e-test';

/** @type {vscode.LanguageModelChatInformation[]} */
const MODELS = [
  {
    id: 'e2e-fast',
    name: 'E2E Fast',
    family: 'e2e-mini',
    version: '1.0.0',
    detail: 'deterministic test model',
    tooltip: 'E2E Fast (test-only)',
    maxInputTokens: 8192,
    maxOutputTokens: 1024,
    capabilities: { toolCalling: true, imageInput: false },
  },
  {
    id: 'e2e-smart',
    name: 'E2E Smart',
    family: 'e2e-pro',
    version: '2.0.0',
    detail: 'deterministic test model',
    tooltip: 'E2E Smart (test-only)',
    maxInputTokens: 32768,
    maxOutputTokens: 4096,
    capabilities: { toolCalling: true, imageInput: true },
  },
];

let controlDir = '';

function resolveControlDir() {
  const fromSetting = vscode.workspace.getConfiguration('e2eTest').get('controlDir');
  return (typeof fromSetting === 'string' && fromSetting) || process.env.E2E_CONTROL_DIR || '';
}

function modelLogPath(context) {
  if (process.env.E2E_MODEL_LOG) return process.env.E2E_MODEL_LOG;
  if (controlDir) return path.join(controlDir, 'model-log.jsonl');
  return path.join(context.globalStorageUri.fsPath, 'model-log.jsonl');
}

function writeJsonAtomic(file, value) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(value, jsonReplacer, 2));
  fs.renameSync(tmp, file);
}

/** JSON for values that come back from commands: Uris, Errors, Maps, Uint8Arrays. */
function jsonReplacer(_key, value) {
  if (value instanceof vscode.Uri) return value.toString();
  if (value instanceof Error) return { name: value.name, message: value.message, code: value.code };
  if (value instanceof Map) return Object.fromEntries(value);
  if (value instanceof Set) return [...value];
  if (value instanceof Uint8Array) return { bytes: value.length };
  if (typeof value === 'bigint') return String(value);
  return value;
}

function roleName(role) {
  if (role === vscode.LanguageModelChatMessageRole.User) return 'user';
  if (role === vscode.LanguageModelChatMessageRole.Assistant) return 'assistant';
  return `role-${role}`;
}

function describePart(part) {
  if (part instanceof vscode.LanguageModelTextPart) return { type: 'text', value: part.value };
  if (part instanceof vscode.LanguageModelToolCallPart) return { type: 'toolCall', callId: part.callId, name: part.name, input: part.input };
  if (part instanceof vscode.LanguageModelToolResultPart) {
    return { type: 'toolResult', callId: part.callId, content: part.content.map(describePart) };
  }
  if (vscode.LanguageModelDataPart && part instanceof vscode.LanguageModelDataPart) {
    return { type: 'data', mimeType: part.mimeType, bytes: part.data ? part.data.length : 0 };
  }
  if (part && typeof part === 'object' && typeof part.value === 'string') return { type: 'text', value: part.value };
  return { type: 'unknown', value: safeString(part) };
}

function safeString(value) {
  try {
    return typeof value === 'string' ? value : JSON.stringify(value, jsonReplacer);
  } catch {
    return String(value);
  }
}

function partText(part) {
  const d = describePart(part);
  if (d.type === 'text') return d.value;
  if (d.type === 'toolResult') return d.content.map((c) => (c.type === 'text' ? c.value : '')).join('');
  return '';
}

function messageText(message) {
  return message.content.map(partText).join('');
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Minimal arguments that satisfy a JSON schema's required properties. */
function sampleArgs(schema) {
  const out = {};
  if (!schema || typeof schema !== 'object' || !schema.properties) return out;
  const required = Array.isArray(schema.required) ? schema.required : Object.keys(schema.properties);
  for (const key of required) {
    const prop = schema.properties[key] || {};
    const type = Array.isArray(prop.type) ? prop.type[0] : prop.type;
    if (Array.isArray(prop.enum) && prop.enum.length) out[key] = prop.enum[0];
    else if (type === 'number' || type === 'integer') out[key] = 1;
    else if (type === 'boolean') out[key] = true;
    else if (type === 'array') out[key] = [];
    else if (type === 'object') out[key] = sampleArgs(prop);
    else out[key] = 'e2e';
  }
  return out;
}

/** Splits text into `n` roughly equal chunks (at least one). */
function chunks(text, n) {
  const size = Math.max(1, Math.ceil(text.length / n));
  const out = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out.length ? out : [''];
}

function createProvider(context) {
  let requestCounter = 0;
  const log = (entry) => {
    try {
      const file = modelLogPath(context);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.appendFileSync(file, JSON.stringify({ time: new Date().toISOString(), ...entry }, jsonReplacer) + '\n');
    } catch (err) {
      console.error('[e2e-test models] cannot write the model log', err);
    }
  };

  /** @type {vscode.LanguageModelChatProvider} */
  const provider = {
    provideLanguageModelChatInformation() {
      return MODELS;
    },

    async provideLanguageModelChatResponse(model, messages, options, progress, token) {
      const requestId = ++requestCounter;
      const described = messages.map((m) => ({ role: roleName(m.role), name: m.name, text: messageText(m), parts: m.content.map(describePart) }));
      const allText = described.map((m) => m.text).join('\n');
      const lastUser = [...described].reverse().find((m) => m.role === 'user');
      const prompt = lastUser ? lastUser.text : '';
      const tools = (options && options.tools) || [];
      log({
        event: 'request',
        requestId,
        modelId: model.id,
        family: model.family,
        messages: described,
        options: {
          modelOptions: options && options.modelOptions,
          toolMode: options && options.toolMode,
          tools: tools.map((t) => ({ name: t.name, description: t.description, inputSchema: t.inputSchema })),
        },
      });

      const reply = `[${model.id}] reply to: ${prompt.slice(0, 200)}`;
      const slow = allText.includes('SLOW');
      const fail = allText.includes('FAIL');
      const parts = chunks(reply, slow ? 20 : 4);
      // INSTANT: zero latency (no pause between chunks), for the benchmark (test/bench).
      const instant = !slow && allText.includes('INSTANT');
      const delay = slow ? 250 : instant ? 0 : 15;
      let sent = '';

      // CALL_TOOL:<name> (with tools offered) calls the tool whose name ends with <name>, once:
      // after its result came back, the model answers with that result (a chat tool loop).
      // The last CALL_TOOL counts: earlier turns of the conversation may hold others.
      const callTool = [...allText.matchAll(/CALL_TOOL:([\w-]+)/g)].pop();
      if (callTool && tools.length > 0) {
        const last = described[described.length - 1];
        const result = last && last.parts.find((p) => p.type === 'toolResult');
        if (result) {
          const said = result.content.map((c) => (c.type === 'text' ? c.value : '')).join(' ');
          const answer = `[${model.id}] the tool said: ${said.slice(0, 300)}`;
          for (const part of chunks(answer, 4)) {
            progress.report(new vscode.LanguageModelTextPart(part));
            await sleep(delay);
          }
          log({ event: 'response', requestId, modelId: model.id, text: answer });
          return;
        }
        const tool = tools.find((t) => t.name === callTool[1] || t.name.endsWith(`_${callTool[1]}`));
        if (tool) {
          const input = sampleArgs(tool.inputSchema);
          const callId = `e2e-call-${requestId}`;
          progress.report(new vscode.LanguageModelToolCallPart(callId, tool.name, input));
          log({ event: 'toolCall', requestId, modelId: model.id, callId, name: tool.name, input });
          return;
        }
      }

      if (tools.length > 0 && allText.includes('USE_TOOL')) {
        const tool = tools[0];
        const input = sampleArgs(tool.inputSchema);
        progress.report(new vscode.LanguageModelTextPart(`[${model.id}] calling ${tool.name}`));
        await sleep(delay);
        const callId = `e2e-call-${requestId}`;
        progress.report(new vscode.LanguageModelToolCallPart(callId, tool.name, input));
        log({ event: 'toolCall', requestId, modelId: model.id, callId, name: tool.name, input });
        return;
      }

      for (let i = 0; i < parts.length; i++) {
        if (token.isCancellationRequested) {
          log({ event: 'cancelled', requestId, modelId: model.id, sent });
          return;
        }
        if (fail && i === Math.floor(parts.length / 2)) {
          log({ event: 'failed', requestId, modelId: model.id, sent });
          throw new Error(`e2e-test model ${model.id} failed midway (the prompt asked for FAIL)`);
        }
        progress.report(new vscode.LanguageModelTextPart(parts[i]));
        sent += parts[i];
        if (delay > 0) await sleep(delay);
      }
      log({ event: 'response', requestId, modelId: model.id, text: sent });
    },

    async provideTokenCount(_model, text) {
      const s = typeof text === 'string' ? text : messageText(text);
      return Math.ceil(s.length / 4);
    },
  };
  return provider;
}

async function listModels() {
  const models = await vscode.lm.selectChatModels({ vendor: VENDOR });
  const out = models.map((m) => ({ id: m.id, name: m.name, vendor: m.vendor, family: m.family, version: m.version, maxInputTokens: m.maxInputTokens }));
  if (controlDir) writeJsonAtomic(path.join(controlDir, 'models.json'), out);
  return out;
}

/** Sends one request through the public API (as a consumer extension would) and collects the reply. */
async function sendRequest(req) {
  const [model] = await vscode.lm.selectChatModels(req.selector || { vendor: VENDOR });
  if (!model) throw new Error('no e2e-test model');
  const messages = [vscode.LanguageModelChatMessage.User(req.prompt || '')];
  const cts = new vscode.CancellationTokenSource();
  const timer = req.cancelAfterMs ? setTimeout(() => cts.cancel(), req.cancelAfterMs) : undefined;
  let text = '';
  const toolCalls = [];
  const started = Date.now();
  try {
    const response = await model.sendRequest(messages, { tools: req.tools, modelOptions: req.modelOptions }, cts.token);
    for await (const part of response.stream) {
      if (part instanceof vscode.LanguageModelTextPart) text += part.value;
      else if (part instanceof vscode.LanguageModelToolCallPart) toolCalls.push({ callId: part.callId, name: part.name, input: part.input });
    }
  } catch (err) {
    if (!cts.token.isCancellationRequested) throw err;
  } finally {
    if (timer) clearTimeout(timer);
    cts.dispose();
  }
  return { modelId: model.id, text, toolCalls, cancelled: cts.token.isCancellationRequested, ms: Date.now() - started };
}

/** What a test needs to know about an installed extension: active?, contributions. */
function extensionInfo(id) {
  const ext = vscode.extensions.getExtension(id);
  if (!ext) return null;
  const c = ext.packageJSON.contributes || {};
  const containers = Object.values(c.viewsContainers || {}).flat().map((v) => v.id);
  const views = Object.values(c.views || {}).flat().map((v) => v.id);
  return {
    id: ext.id,
    version: ext.packageJSON.version,
    isActive: ext.isActive,
    viewContainers: containers,
    views,
    commands: (c.commands || []).map((cmd) => ({ command: cmd.command, title: cmd.title, category: cmd.category })),
    configuration: Object.keys((Array.isArray(c.configuration) ? c.configuration : [c.configuration || {}]).reduce((acc, x) => Object.assign(acc, x.properties || {}), {})),
  };
}

/** Watches `<controlDir>/inbox` for `{ command, args }` files and answers in `<controlDir>/outbox`. */
function startBridge(context) {
  const inbox = path.join(controlDir, 'inbox');
  const outbox = path.join(controlDir, 'outbox');
  fs.mkdirSync(inbox, { recursive: true });
  fs.mkdirSync(outbox, { recursive: true });
  const seen = new Set();

  const handle = async (file) => {
    if (!file.endsWith('.json') || seen.has(file)) return;
    seen.add(file);
    const full = path.join(inbox, file);
    let request;
    try {
      request = JSON.parse(fs.readFileSync(full, 'utf8'));
      fs.unlinkSync(full);
    } catch {
      seen.delete(file); // half-written: retry on the next scan
      return;
    }
    let answer;
    try {
      const result = await vscode.commands.executeCommand(request.command, ...(request.args || []));
      answer = { ok: true, result: result === undefined ? null : result };
    } catch (err) {
      answer = { ok: false, error: err && err.message ? err.message : String(err) };
    }
    try {
      writeJsonAtomic(path.join(outbox, file), answer);
    } catch (err) {
      writeJsonAtomic(path.join(outbox, file), { ok: false, error: `result not serialisable: ${err.message}` });
    }
  };

  const scan = () => {
    let files = [];
    try {
      files = fs.readdirSync(inbox);
    } catch {
      return;
    }
    for (const f of files) void handle(f);
  };
  let watcher;
  try {
    watcher = fs.watch(inbox, () => scan());
  } catch {
    watcher = undefined;
  }
  const timer = setInterval(scan, 200);
  context.subscriptions.push({ dispose: () => { clearInterval(timer); if (watcher) watcher.close(); } });
  scan();
  writeJsonAtomic(path.join(controlDir, 'ready.json'), { pid: process.pid, vscodeVersion: vscode.version, time: new Date().toISOString() });
}

/** @param {vscode.ExtensionContext} context */
function activate(context) {
  controlDir = resolveControlDir();
  context.subscriptions.push(vscode.lm.registerLanguageModelChatProvider(VENDOR, createProvider(context)));
  // A third-party model shows in the chat model picker only once something asked for it.
  void vscode.lm.selectChatModels({ vendor: VENDOR });
  context.subscriptions.push(
    vscode.commands.registerCommand('e2eTest.invoke', (command, ...args) => vscode.commands.executeCommand(command, ...args)),
    vscode.commands.registerCommand('e2eTest.listModels', listModels),
    vscode.commands.registerCommand('e2eTest.sendRequest', sendRequest),
    vscode.commands.registerCommand('e2eTest.ping', () => {
      if (controlDir) writeJsonAtomic(path.join(controlDir, 'ping.json'), { time: new Date().toISOString() });
      return 'pong';
    }),
    vscode.commands.registerCommand('e2eTest.env', (name) => process.env[name] ?? null),
    // The target of the links a hostile fixture server puts into its text: every run is
    // appended to <controlDir>/hostile-marker.jsonl, so a test can assert that none ran.
    vscode.commands.registerCommand('e2eTest.hostileMarker', (...args) => {
      if (controlDir) fs.appendFileSync(path.join(controlDir, 'hostile-marker.jsonl'), JSON.stringify({ time: new Date().toISOString(), args }, jsonReplacer) + '\n');
      return 'marked';
    }),
    vscode.commands.registerCommand('e2eTest.extensionInfo', extensionInfo),
    // The tools chat models can use now (vscode.lm.tools), by name.
    vscode.commands.registerCommand('e2eTest.listTools', () => vscode.lm.tools.map((t) => t.name)),
    // Settings changes through the configuration service take effect at once (code-server
    // does not always notice edits of the user settings file made behind its back).
    vscode.commands.registerCommand('e2eTest.inspectSetting', (key) => vscode.workspace.getConfiguration().inspect(key) ?? null),
    vscode.commands.registerCommand('e2eTest.updateSetting', async (key, value, target = 'global') => {
      const t = target === 'workspace' ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
      await vscode.workspace.getConfiguration().update(key, value, t);
      return vscode.workspace.getConfiguration().get(key) ?? null;
    }),
  );
  if (controlDir) startBridge(context);
}

function deactivate() {}

module.exports = { activate, deactivate };
