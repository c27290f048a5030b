import * as vscode from 'vscode';
import { parseWebviewMessage, type ExtensionToWebview } from '../shared/protocol';
import { toToolResultView } from '../shared/toolResult';
import { safe } from '../shared/safeText';
import { webviewHtml, webviewOptions } from './webviewHtml';

/**
 * Opens a tool result in an editor tab: text as text, images and audio from
 * data URLs, structured content as JSON, `isError` as an error banner. "Open
 * as JSON" shows the raw result in an untitled JSON editor.
 */
export function showToolResult(extensionUri: vscode.Uri, server: string, tool: string, result: unknown, durationMs: number): vscode.WebviewPanel {
  const panel = vscode.window.createWebviewPanel('mcpApprovalHost.toolResult', safe`Result: ${server} / ${tool}`, vscode.ViewColumn.Active, {
    ...webviewOptions(extensionUri),
    enableFindWidget: true,
  });
  panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'tool.svg');
  panel.webview.html = webviewHtml(panel.webview, extensionUri, 'toolResult', safe`Result of ${tool}`);
  const view = toToolResultView(server, tool, result, durationMs);
  const sub = panel.webview.onDidReceiveMessage(async (raw) => {
    const message = parseWebviewMessage(raw);
    if (message?.type === 'ready') {
      const msg: ExtensionToWebview = { type: 'toolResult', view };
      void panel.webview.postMessage(msg);
    } else if (message?.type === 'openResultJson') {
      const doc = await vscode.workspace.openTextDocument({ language: 'json', content: JSON.stringify(result, null, 2) });
      await vscode.window.showTextDocument(doc, { preview: false });
    }
  });
  panel.onDidDispose(() => sub.dispose());
  return panel;
}
