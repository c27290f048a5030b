// Sandbox-only stand-in language model for MCP Approval Host. NOT an LLM: it answers
// with keyword rules so that the demo server's sampling tools produce plausible,
// deterministic output. Registered through the stable vscode.lm provider API.
'use strict';

const vscode = require('vscode');

const MODEL = {
  id: 'demo-rules',
  name: 'Demo Model (deterministic, not an LLM)',
  family: 'demo-rules',
  version: '1.0.0',
  detail: 'keyword rules, for the sandbox only',
  tooltip: 'A deterministic stand-in for a language model. Not an LLM.',
  maxInputTokens: 16384,
  maxOutputTokens: 2048,
  capabilities: { toolCalling: true, imageInput: false },
};

function partText(part) {
  if (part instanceof vscode.LanguageModelTextPart) return part.value;
  if (part instanceof vscode.LanguageModelToolResultPart) return part.content.map(partText).join('');
  return '';
}

const SEVERITIES = [
  ['FATAL', /\b(fatal|panic|segfault|out of memory|oom|crash(ed)?)\b/i],
  ['ERROR', /\b(error|exception|failed|failure|refused|denied|timeout)\b/i],
  ['WARN', /\b(warn(ing)?|deprecated|retry(ing)?|slow|high)\b/i],
  ['DEBUG', /\b(debug|trace|verbose)\b/i],
];

const TICKETS = [
  ['billing', /\b(invoice|charge[ds]?|refund|payment|billing|price|card)\b/i],
  ['account', /\b(login|log in|password|account|sign[ -]?in|2fa|locked)\b/i],
  ['bug', /\b(bug|crash|error|broken|doesn'?t work|fails?|exception)\b/i],
  ['feature', /\b(feature|would like|please add|request|support for|wish)\b/i],
];

/** Picks a reply from the prompt with plain keyword rules. */
function reply(system, prompt, sawToolResult) {
  const all = `${system}\n${prompt}`;
  if (/DEBUG.*INFO.*WARN.*ERROR.*FATAL/s.test(all)) {
    const hit = SEVERITIES.find(([, re]) => re.test(prompt));
    return hit ? hit[0] : 'INFO';
  }
  if (/billing.*bug.*feature.*account|billing, bug, feature|categor/i.test(all)) {
    const hit = TICKETS.find(([, re]) => re.test(prompt));
    return hit ? hit[0] : 'bug';
  }
  if (/summari[sz]e/i.test(all)) {
    const body = prompt.replace(/^[\s\S]*?:\s*\n/, '');
    const sentences = body.replace(/\s+/g, ' ').match(/[^.!?]+[.!?]+/g) || [body];
    return `Summary (first sentences, by rule): ${sentences.slice(0, 2).join(' ').trim()}`;
  }
  if (sawToolResult) return `Based on the lookup result: ${prompt.slice(-300).trim()}`;
  return `Demo model (not an LLM) received ${prompt.length} characters: "${prompt.slice(0, 160)}${prompt.length > 160 ? '…' : ''}"`;
}

/** The words of a tool name (`mcp_ops-demo_summarize_text` → its own part, `summarize_text`). */
function shortName(toolName) {
  return toolName.replace(/^mcp_.*?_(?=[a-z]+(_[a-z]+)*$)/i, '');
}

/**
 * One turn of a chat tool loop, by rules: after a tool result, report it; otherwise call
 * the tool whose name (or its first word, e.g. "summarize" for summarize_text) the
 * prompt mentions, with the text after the first colon as every required string argument.
 */
function chatTurn(tools, prompt, messages) {
  const last = messages[messages.length - 1];
  const result = last && last.content.find((p) => p instanceof vscode.LanguageModelToolResultPart);
  if (result) return { text: `The tool returned:\n\n${result.content.map(partText).join('\n').slice(0, 2000)}\n\n_(Demo model: it repeats what the tool returned; it is not an LLM.)_` };
  const lower = prompt.toLowerCase();
  const tool = tools.find((t) => lower.includes(shortName(t.name).toLowerCase())) || tools.find((t) => lower.includes(shortName(t.name).split('_')[0].toLowerCase().replace(/e$/, '')));
  if (!tool) {
    return { text: `Demo model (not an LLM): mention one of these tools by name and I will call it: ${tools.map((t) => shortName(t.name)).join(', ')}.` };
  }
  const colon = prompt.indexOf(':');
  const text = (colon >= 0 ? prompt.slice(colon + 1) : prompt).trim();
  const schema = tool.inputSchema || {};
  const input = {};
  for (const key of schema.required || []) {
    const prop = (schema.properties || {})[key] || {};
    input[key] = prop.type === 'number' || prop.type === 'integer' ? 1 : prop.type === 'boolean' ? true : text;
  }
  return { call: { name: tool.name, input } };
}

function activate(context) {
  const provider = {
    provideLanguageModelChatInformation() {
      return [MODEL];
    },
    async provideLanguageModelChatResponse(_model, messages, options, progress, token) {
      const texts = messages.map((m) => m.content.map(partText).join(''));
      const sawToolResult = messages.some((m) => m.content.some((p) => p instanceof vscode.LanguageModelToolResultPart));
      const lastUser = [...messages].reverse().find((m) => m.role === vscode.LanguageModelChatMessageRole.User);
      const prompt = lastUser ? lastUser.content.map(partText).join('') : '';
      const tools = (options && options.tools) || [];
      // In chat (@mcp), the tools are MCP tools named mcp_<server>_<tool>: pick one by name.
      if (tools.some((t) => t.name.startsWith('mcp_'))) {
        const chat = chatTurn(tools, prompt, messages);
        if (chat.call) {
          progress.report(new vscode.LanguageModelToolCallPart(`demo-${Date.now()}`, chat.call.name, chat.call.input));
          return;
        }
        progress.report(new vscode.LanguageModelTextPart(chat.text));
        return;
      }
      if (tools.length > 0 && !sawToolResult) {
        const tool = tools[0];
        const query = prompt.replace(/\s+/g, ' ').slice(0, 80);
        progress.report(new vscode.LanguageModelToolCallPart(`demo-${Date.now()}`, tool.name, { query }));
        return;
      }
      const text = reply(texts.length > 1 ? texts[0] : '', prompt, sawToolResult);
      // Stream in a few chunks so the review panel shows streaming.
      const size = Math.max(8, Math.ceil(text.length / 6));
      for (let i = 0; i < text.length; i += size) {
        if (token.isCancellationRequested) return;
        progress.report(new vscode.LanguageModelTextPart(text.slice(i, i + size)));
        await new Promise((r) => setTimeout(r, 60));
      }
    },
    async provideTokenCount(_model, text) {
      const s = typeof text === 'string' ? text : text.content.map(partText).join('');
      return Math.ceil(s.length / 4);
    },
  };
  context.subscriptions.push(vscode.lm.registerLanguageModelChatProvider('mcp-approval-host-demo', provider));
  // A third-party model shows in the chat model picker only once something asked for it.
  void vscode.lm.selectChatModels({ vendor: 'mcp-approval-host-demo' });
}

module.exports = { activate, deactivate() {} };
