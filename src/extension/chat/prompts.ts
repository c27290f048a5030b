import * as vscode from 'vscode';
import type { GetPromptResult, Prompt, Tool } from '@modelcontextprotocol/client';
import type { ServerManager } from '../../host/serverManager';
import { safe, safeText } from '../../shared/safeText';
import { askToolArguments } from '../toolArgsForm';

/** A prompt the person chose, filled in and fetched from its server. */
export interface ChosenPrompt {
  server: string;
  prompt: string;
  result: GetPromptResult;
}

interface PromptChoice extends vscode.QuickPickItem {
  server: string;
  entry: Prompt;
}

/**
 * Lets the person pick one of the running servers' MCP prompts (the text after
 * `/prompt` preselects by name), asks for its arguments with the form renderer
 * of "Call Tool…", and fetches the prompt. `undefined` when cancelled.
 */
export async function choosePrompt(deps: { extensionUri: vscode.Uri; manager: ServerManager }, text: string, token: vscode.CancellationToken): Promise<ChosenPrompt | undefined> {
  const choices: PromptChoice[] = [];
  for (const s of deps.manager.list()) {
    if (!s.config.exposeToChat || s.state.kind !== 'running') continue;
    for (const p of s.connection?.prompts ?? []) {
      choices.push({ server: s.name, entry: p, label: safeText(p.name, 80), description: safeText(s.name, 80), detail: p.description ? safeText(p.description, 200) : undefined });
    }
  }
  if (choices.length === 0) throw new Error('None of the running MCP Approval Host servers offers a prompt');
  const wanted = text.trim().toLowerCase();
  const exact = wanted ? choices.filter((c) => c.entry.name.toLowerCase() === wanted || `${c.server}/${c.entry.name}`.toLowerCase() === wanted) : [];
  const choice = exact.length === 1 ? exact[0] : await vscode.window.showQuickPick(choices, { title: 'Run an MCP prompt', placeHolder: 'Pick a prompt', matchOnDescription: true, matchOnDetail: true }, token);
  if (!choice || token.isCancellationRequested) return undefined;
  const args = await askArguments(deps.extensionUri, choice);
  if (args === undefined || token.isCancellationRequested) return undefined;
  const connection = deps.manager.get(choice.server)?.connection;
  if (!connection) throw new Error(`Server "${choice.server}" stopped`);
  return { server: choice.server, prompt: choice.entry.name, result: await connection.getPrompt(choice.entry.name, args) };
}

/** A prompt's arguments are strings: the tool-arguments form renders them (one input box each as the fallback). */
async function askArguments(extensionUri: vscode.Uri, choice: PromptChoice): Promise<Record<string, string> | undefined> {
  const args = choice.entry.arguments ?? [];
  if (args.length === 0) return {};
  const asTool: Tool = {
    name: choice.entry.name,
    title: choice.entry.title,
    description: choice.entry.description,
    inputSchema: {
      type: 'object',
      properties: Object.fromEntries(args.map((a) => [a.name, { type: 'string', title: a.name, ...(a.description !== undefined && { description: a.description }) }])),
      required: args.filter((a) => a.required).map((a) => a.name),
    },
  };
  const values = await askToolArguments(extensionUri, choice.server, asTool, () => inputBoxes(choice));
  if (values === undefined) return undefined;
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined && v !== '').map(([k, v]) => [k, String(v)]));
}

async function inputBoxes(choice: PromptChoice): Promise<Record<string, unknown> | undefined> {
  const out: Record<string, unknown> = {};
  for (const arg of choice.entry.arguments ?? []) {
    const value = await vscode.window.showInputBox({
      title: safe`${choice.entry.name}: ${arg.name}`,
      prompt: arg.description ? safeText(arg.description, 200) : undefined,
      validateInput: (v) => (arg.required && v.trim() === '' ? 'Required' : undefined),
    });
    if (value === undefined) return undefined;
    out[arg.name] = value;
  }
  return out;
}

/** The prompt's messages for the model: text as is, other content described in a word. */
export function promptMessages(result: GetPromptResult): vscode.LanguageModelChatMessage[] {
  return result.messages.map((m) => {
    const c = m.content as { type: string; text?: string; resource?: { uri?: string; text?: string } };
    const text = c.type === 'text' ? (c.text ?? '') : c.type === 'resource' && typeof c.resource?.text === 'string' ? c.resource.text : `[${c.type} content]`;
    return m.role === 'assistant' ? vscode.LanguageModelChatMessage.Assistant(text) : vscode.LanguageModelChatMessage.User(text);
  });
}
