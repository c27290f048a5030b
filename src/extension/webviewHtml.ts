import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

/** Webview options shared by every webview of the extension. */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

/**
 * The page shell: a strict CSP (nonce'd module script, styles and fonts from
 * the extension only, images and audio only as data: URLs), our CSS and the
 * codicon font, and an empty #root the bundle renders into.
 */
export function webviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, view: 'requests' | 'toolResult' | 'toolArgs', title: string): string {
  const nonce = randomBytes(16).toString('base64');
  const asset = (...path: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...path)).toString();
  const csp = [
    "default-src 'none'",
    `style-src ${webview.cspSource}`,
    `font-src ${webview.cspSource}`,
    `img-src data:`,
    `media-src data:`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" id="vscode-codicon-stylesheet" href="${asset('dist', 'codicons', 'codicon.css')}">
<link rel="stylesheet" href="${asset('media', 'main.css')}">
<link rel="stylesheet" href="${asset('media', 'sampling.css')}">
<link rel="stylesheet" href="${asset('media', 'elicitation.css')}">
<title>${escapeHtml(title)}</title>
</head>
<body data-view="${view}">
<div id="root" role="main"></div>
<script type="module" nonce="${nonce}" src="${asset('dist', 'webview.js')}"></script>
</body>
</html>`;
}

/** The one HTML escaper; only our own strings pass through it. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}
