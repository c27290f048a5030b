import * as vscode from 'vscode';
import type { Tool } from '@modelcontextprotocol/client';
import { findSensitiveFields, validateForm, type FormModel } from '../shared/elicitation';
import { parseWebviewMessage } from '../shared/protocol';
import { safe } from '../shared/safeText';
import { parseToolArgsMessage, toolArgumentsForm, type ExtensionToToolArgs, type ToolArgsView } from '../shared/toolArgsProtocol';
import { webviewHtml, webviewOptions } from './webviewHtml';

/** Tool arguments, or `undefined` when the person cancelled. */
export type ToolArguments = Record<string, unknown> | undefined;

/**
 * Asks for a tool's arguments. A flat `inputSchema` (what elicitation forms
 * allow) gets the same form renderer as elicitation, in an editor panel; any
 * other schema, or "Edit as JSON" on the form, runs `fallback` (the JSON box).
 */
export async function askToolArguments(extensionUri: vscode.Uri, server: string, tool: Tool, fallback: () => Promise<ToolArguments>): Promise<ToolArguments> {
  const form = toolArgumentsForm(tool.inputSchema);
  if (form === undefined) return fallback();
  if (form.fields.length === 0) return {};
  const answer = await showToolArgsPanel(extensionUri, server, tool, form);
  return answer === 'json' ? fallback() : answer;
}

function showToolArgsPanel(extensionUri: vscode.Uri, server: string, tool: Tool, form: FormModel): Promise<ToolArguments | 'json'> {
  const panel = vscode.window.createWebviewPanel('mcpApprovalHost.toolArgs', safe`Call ${tool.name}`, vscode.ViewColumn.Active, webviewOptions(extensionUri));
  panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'tool.svg');
  panel.webview.html = webviewHtml(panel.webview, extensionUri, 'toolArgs', safe`Call ${tool.name}`);
  let view: ToolArgsView = { server, tool: tool.name, title: tool.title, description: tool.description, form, sensitive: findSensitiveFields(form) };
  const send = () => void panel.webview.postMessage({ type: 'toolArgsForm', view } satisfies ExtensionToToolArgs);
  return new Promise((resolve) => {
    let settled = false;
    const settle = (value: ToolArguments | 'json') => {
      if (settled) return;
      settled = true;
      sub.dispose();
      panel.dispose();
      resolve(value);
    };
    const sub = panel.webview.onDidReceiveMessage((raw: unknown) => {
      if (parseWebviewMessage(raw)?.type === 'ready') return send();
      const action = parseToolArgsMessage(raw)?.action;
      if (!action) return;
      if (action.type !== 'submit') return settle(action.type === 'json' ? 'json' : undefined);
      const checked = validateForm(form, action.values);
      if (checked.ok) return settle(checked.content);
      view = { ...view, errors: checked.errors };
      send();
    });
    panel.onDidDispose(() => settle(undefined));
  });
}
