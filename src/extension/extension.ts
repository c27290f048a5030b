import * as path from 'node:path';
import * as vscode from 'vscode';
import { hasAutoStartServer } from '../host/autoStart';
import { settingId, SETTINGS, SETTINGS_SECTION } from '../host/settings';
import { codeCacheDir, requireWithCodeCache } from './codeCache';
import type { Core } from './core';

/**
 * The activation entry, kept tiny: it registers the contributed commands and
 * the two views as thin proxies and loads the host core (dist/core.js, with the
 * MCP SDK) only when something needs it — a view is shown, a command runs, or
 * a configured server is set to start automatically.
 */
let core: Core | undefined;
const treeChanged = new vscode.EventEmitter<unknown>();
const mcpChanged = new vscode.EventEmitter<void>();

function loadCore(context: vscode.ExtensionContext): Core {
  if (!core) {
    // A separate bundle, required on demand (see scripts/build.mjs), through V8's code cache.
    const mod = requireWithCodeCache<typeof import('./core')>(path.join(__dirname, 'core.js'), codeCacheDir(context), () =>
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require('./core.js'),
    );
    core = mod.createCore(context);
    const sub = core.treeProvider.onDidChangeTreeData?.((e) => treeChanged.fire(e));
    if (sub) context.subscriptions.push(sub);
    context.subscriptions.push(core.chat.onDidChangeMcpServerDefinitions(() => mcpChanged.fire()));
  }
  return core;
}

export function activate(context: vscode.ExtensionContext): void {
  const load = () => loadCore(context);
  const contributed = (context.extension.packageJSON?.contributes?.commands ?? []) as Array<{ command: string }>;
  for (const { command } of contributed) {
    context.subscriptions.push(vscode.commands.registerCommand(command, (...args: unknown[]) => load().executeCommand(command, args)));
  }

  // The tree's change events are forwarded from the core once it is loaded.
  const tree: vscode.TreeDataProvider<unknown> = {
    onDidChangeTreeData: treeChanged.event,
    getChildren: (element) => load().treeProvider.getChildren(element),
    getTreeItem: (element) => load().treeProvider.getTreeItem(element),
  };
  context.subscriptions.push(
    treeChanged,
    vscode.window.createTreeView('mcpApprovalHost.servers', { treeDataProvider: tree, showCollapseAll: true }),
    vscode.window.registerWebviewViewProvider(
      'mcpApprovalHost.requests',
      { resolveWebviewView: (view, ctx, token) => load().requestsView.resolveWebviewView(view, ctx, token) },
      { webviewOptions: { retainContextWhenHidden: false } },
    ),
    mcpChanged,
    // Chat: our servers as MCP server definitions (VS Code activates us with onMcpCollection), and @mcp.
    vscode.lm.registerMcpServerDefinitionProvider('mcpApprovalHost.gateway', {
      onDidChangeMcpServerDefinitions: mcpChanged.event,
      provideMcpServerDefinitions: async () => (core || serverCount() > 0 ? load().chat.provideMcpServerDefinitions() : []),
      resolveMcpServerDefinition: (definition) => load().chat.resolveMcpServerDefinition(definition),
    }),
  );
  const participant = vscode.chat.createChatParticipant('mcpApprovalHost.mcp', (...args) => load().chat.handleChatRequest(...args));
  participant.iconPath = vscode.Uri.joinPath(context.extensionUri, 'media', 'icon.png');
  context.subscriptions.push(participant);

  const values = serverValues();
  if (values.some(hasAutoStartServer)) load();
  else void vscode.commands.executeCommand('setContext', 'mcpApprovalHost.serverCount', serverCount());
  // Servers added later start once the setting changes.
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (core || !e.affectsConfiguration(settingId(SETTINGS.servers))) return;
      if (serverValues().some(hasAutoStartServer)) load();
      mcpChanged.fire();
    }),
  );
}

function serverCount(): number {
  return new Set(serverValues().flatMap((v) => (v && typeof v === 'object' ? Object.keys(v) : []))).size;
}

/** The servers setting as the window and each folder see it (folders of a multi-root window add their own). */
function serverValues(): unknown[] {
  const folders = vscode.workspace.workspaceFolders ?? [];
  return [undefined, ...folders.map((f) => f.uri)].map((uri) => vscode.workspace.getConfiguration(SETTINGS_SECTION, uri).get<unknown>(SETTINGS.servers.key));
}

/** Stops every server and waits for their processes to exit. */
export async function deactivate(): Promise<void> {
  await core?.shutdown();
  core = undefined;
}
