import * as vscode from 'vscode';
import type { Prompt, Resource, Tool } from '@modelcontextprotocol/client';
import { describeState } from '../host/lifecycle';
import type { ServerManager, ServerView } from '../host/serverManager';
import { safeLines, safeText } from '../shared/safeText';
import { summaryOf } from './serverApproval';

/** Tree nodes: a server, a group under it, or one tool / prompt / resource. */
export type TreeNode =
  | { kind: 'server'; name: string }
  | { kind: 'group'; server: string; group: 'tools' | 'prompts' | 'resources' }
  | { kind: 'tool'; server: string; tool: Tool }
  | { kind: 'prompt'; server: string; prompt: Prompt }
  | { kind: 'resource'; server: string; resource: Resource }
  | { kind: 'message'; server: string; text: string };

// Tree labels, descriptions and string tooltips are plain text in VS Code; they
// go through safeText anyway (one door for server text, see src/shared/safeText.ts).
const MAX_LABEL = 120;

/** The "Servers" tree: status per server, with tools, prompts and resources. */
export class ServersTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly _onDidChangeTreeData = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this._onDidChangeTreeData.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly manager: ServerManager) {
    const sub = manager.onDidChange(() => this._onDidChangeTreeData.fire(undefined));
    this.subscription = new vscode.Disposable(() => sub.dispose());
  }

  refresh(): void {
    this._onDidChangeTreeData.fire(undefined);
  }

  getChildren(node?: TreeNode): TreeNode[] {
    if (!node) return this.manager.list().map((s) => ({ kind: 'server', name: s.name }));
    if (node.kind === 'server') {
      const server = this.manager.get(node.name);
      if (!server) return [];
      if (server.state.kind === 'error') return server.lastStderr.slice(-5).map((line) => ({ kind: 'message', server: node.name, text: line }));
      if (!server.connection) return [];
      return (['tools', 'prompts', 'resources'] as const).map((group) => ({ kind: 'group', server: node.name, group }));
    }
    if (node.kind === 'group') {
      const connection = this.manager.get(node.server)?.connection;
      if (!connection) return [];
      if (node.group === 'tools') return connection.tools.map((tool) => ({ kind: 'tool', server: node.server, tool }));
      if (node.group === 'prompts') return connection.prompts.map((prompt) => ({ kind: 'prompt', server: node.server, prompt }));
      return connection.resources.map((resource) => ({ kind: 'resource', server: node.server, resource }));
    }
    return [];
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    switch (node.kind) {
      case 'server': {
        const server = this.manager.get(node.name);
        return server ? serverItem(server) : new vscode.TreeItem(safeText(node.name, MAX_LABEL));
      }
      case 'group':
        return groupItem(this.manager.get(node.server), node.group);
      case 'tool': {
        const item = new vscode.TreeItem(safeText(node.tool.name, MAX_LABEL), vscode.TreeItemCollapsibleState.None);
        const title = node.tool.title ?? node.tool.annotations?.title ?? '';
        // A title that only repeats the name adds nothing; show the description instead.
        item.description = safeText(title && title.toLowerCase() !== node.tool.name.toLowerCase() ? title : node.tool.description ?? '', 80);
        item.tooltip = safeLines(node.tool.description ?? node.tool.name, 1000);
        item.iconPath = new vscode.ThemeIcon('tools');
        item.contextValue = 'tool';
        item.command = { command: 'mcpApprovalHost.callTool', title: 'Call Tool…', arguments: [{ server: node.server, tool: node.tool.name }] };
        return item;
      }
      case 'prompt': {
        const item = new vscode.TreeItem(safeText(node.prompt.name, MAX_LABEL), vscode.TreeItemCollapsibleState.None);
        item.description = safeText(node.prompt.title ?? '', 60);
        item.tooltip = safeLines(node.prompt.description ?? node.prompt.name, 1000);
        item.iconPath = new vscode.ThemeIcon('comment-discussion');
        item.contextValue = 'prompt';
        return item;
      }
      case 'resource': {
        const item = new vscode.TreeItem(safeText(node.resource.name, MAX_LABEL), vscode.TreeItemCollapsibleState.None);
        item.description = safeText(node.resource.uri, 80);
        item.tooltip = safeLines(node.resource.description ?? node.resource.uri, 1000);
        item.iconPath = new vscode.ThemeIcon('file');
        item.contextValue = 'resource';
        item.command = { command: 'mcpApprovalHost.openResource', title: 'Open Resource', arguments: [node] };
        return item;
      }
      case 'message': {
        const item = new vscode.TreeItem(safeText(node.text, MAX_LABEL), vscode.TreeItemCollapsibleState.None);
        item.iconPath = new vscode.ThemeIcon('debug-console');
        item.tooltip = safeText(node.text, 4000);
        item.contextValue = 'stderr';
        return item;
      }
    }
  }

  dispose(): void {
    this.subscription.dispose();
    this._onDidChangeTreeData.dispose();
  }
}

function serverItem(server: ServerView): vscode.TreeItem {
  const expandable = server.connection || (server.state.kind === 'error' && server.lastStderr.length > 0);
  const item = new vscode.TreeItem(safeText(server.name, MAX_LABEL), expandable ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
  item.id = `server:${server.name}:${server.state.kind}`;
  const status = server.blockedReason ?? (server.signIn && server.state.kind === 'stopped' ? 'Sign in required' : describeState(server.state));
  item.description = safeText(status, 80);
  item.contextValue = server.blocked === 'needsApproval' ? 'server.needsApproval' : server.signIn && server.state.kind === 'stopped' ? 'server.signIn' : `server.${server.state.kind}`;
  item.iconPath = stateIcon(server);
  const info = server.connection?.serverInfo;
  // The unresolved definition: ${env:…} stays a name, header values are never shown.
  const summary = summaryOf(server);
  const lines = [
    safeText(server.name, MAX_LABEL),
    `Status: ${safeText(status, 300)}`,
    summary.transport === 'stdio' ? `Command: ${safeText(summary.commandLine, 300)}` : `URL: ${safeText(summary.url, 300)}`,
    ...(summary.headerNames.length > 0 ? [`Headers: ${safeText(summary.headerNames.join(', '), 300)}`] : []),
    `Defined in ${safeText(summary.where, 300)}`,
  ];
  if (server.name !== server.config.definedName) lines.push(`Named after its folder: another folder also defines "${safeText(server.config.definedName)}"`);
  if (server.blocked === 'needsApproval') lines.push('', 'Defined by the workspace: review what it runs, then Trust and Start.');
  if (server.connection) {
    lines.push(`Transport: ${server.connection.transportKind}, protocol ${safeText(server.connection.protocolVersion ?? '?', 40)} (${server.connection.era ?? '?'} era)`);
    if (info) lines.push(`Server reports: ${safeText(info.name, 80)} ${safeText(info.version, 40)}`);
  }
  if (server.state.kind === 'error' && server.lastStderr.length > 0) lines.push('', 'Last stderr lines:', ...server.lastStderr.slice(-5).map((l) => safeText(l, 200)));
  item.tooltip = safeLines(lines.join('\n'), 4000);
  return item;
}

function stateIcon(server: ServerView): vscode.ThemeIcon {
  if (server.blocked === 'needsApproval') return new vscode.ThemeIcon('shield', new vscode.ThemeColor('list.warningForeground'));
  if (server.blockedReason) return new vscode.ThemeIcon(server.config.disabled ? 'circle-slash' : 'workspace-untrusted', new vscode.ThemeColor('disabledForeground'));
  if (server.signIn && server.state.kind === 'stopped') return new vscode.ThemeIcon('account', new vscode.ThemeColor('list.warningForeground'));
  switch (server.state.kind) {
    case 'running':
      return new vscode.ThemeIcon('pass-filled', new vscode.ThemeColor('testing.iconPassed'));
    case 'starting':
      return new vscode.ThemeIcon('loading~spin');
    case 'error':
      return new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed'));
    case 'stopped':
      return new vscode.ThemeIcon('circle-large-outline');
  }
}

function groupItem(server: ServerView | undefined, group: 'tools' | 'prompts' | 'resources'): vscode.TreeItem {
  const connection = server?.connection;
  const count = connection ? (group === 'tools' ? connection.tools.length : group === 'prompts' ? connection.prompts.length : connection.resources.length) : 0;
  const label = group === 'tools' ? 'Tools' : group === 'prompts' ? 'Prompts' : 'Resources';
  const item = new vscode.TreeItem(label, count > 0 ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
  item.id = `group:${server?.name}:${group}`;
  item.description = safeText(count);
  item.iconPath = new vscode.ThemeIcon(group === 'tools' ? 'tools' : group === 'prompts' ? 'comment-discussion' : 'files');
  item.contextValue = `group.${group}`;
  return item;
}
