import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ConfigIssue } from '../host/config';
import { createHost } from '../host/createHost';
import { describeError } from '../host/errors';
import type { ServerManager } from '../host/serverManager';
import { settingId, SETTINGS } from '../host/settings';
import { createAuthFeature } from './auth';
import { createChatFeature, type ChatFeature } from './chat';
import { vscodeUrlOpener } from './elicitation';
import type { FeatureDeps } from './features';
import { VscodeModelRunner } from './lmBridge';
import { registerSamplingCommands, samplingUi } from './sampling';
import { safe, safeText } from '../shared/safeText';
import { codeCacheDir } from './codeCache';
import { createCommands, type CommandFn } from './commands';
import { setSdkCacheDir } from './lazyBundle';
import { LogChannels } from './logs';
import { BrokerRequestsModel } from './requestsModel';
import { RequestsViewProvider } from './requestsView';
import { reviewNotice, type AddedRequest } from './reviewNotice';
import { WorkspaceRoots } from './roots';
import { ServerApprovalUi, WorkspaceApprovalStore } from './serverApproval';
import { ServersTreeProvider } from './serversTree';
import { settings, vscodeSettingsSource } from './settings';
import { StatusBar } from './statusBar';

/**
 * The host core's composition root and the settings parser, as they ship in
 * dist/core.js, for a headless caller of the production bundle (the sampling
 * round-trip benchmark); the extension itself goes through {@link createCore}.
 */
export { createHost } from '../host/createHost';
export { parseServersSetting } from '../host/config';

/** What the thin activation entry (extension.ts) drives once the core is loaded. */
export interface Core {
  /** Runs one of the extension's commands. */
  executeCommand(id: string, args: unknown[]): Promise<unknown>;
  treeProvider: vscode.TreeDataProvider<unknown>;
  requestsView: vscode.WebviewViewProvider;
  /** The MCP gateway and the `@mcp` participant (see chat/index.ts). */
  chat: ChatFeature;
  shutdown(): Promise<void>;
}

/**
 * Creates the host: server manager, views' providers, commands, status bar.
 * Loaded lazily by extension.ts (the first view, command, or auto-start
 * server), so a window without MCP servers never pays for the MCP SDK.
 */
export function createCore(context: vscode.ExtensionContext): Core {
  setSdkCacheDir(codeCacheDir(context));
  const logs = new LogChannels();
  context.subscriptions.push(logs);
  const roots = new WorkspaceRoots();
  context.subscriptions.push(roots);
  const revealRequests = async () => void (await vscode.commands.executeCommand(`${RequestsViewProvider.viewId}.focus`));
  const authFeature = createAuthFeature(context);
  const models = new VscodeModelRunner();
  context.subscriptions.push(authFeature, models);

  const host = createHost({
    clientInfo: { name: 'mcp-approval-host', title: 'MCP Approval Host', version: String(context.extension.packageJSON.version ?? '0.0.0') },
    log: logs.host,
    logFor: (name) => logs.sinkFor(name),
    traceEnabled: (name) => logs.forServer(name).logLevel === vscode.LogLevel.Trace,
    settings: vscodeSettingsSource,
    models,
    urlOpener: vscodeUrlOpener,
    roots,
    baseDir: () => vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
    storage: { auditFile: path.join(context.globalStorageUri.fsPath, 'audit.jsonl') },
    approvals: new WorkspaceApprovalStore(context.workspaceState),
    auth: authFeature.auth,
    sampling: samplingUi(revealRequests),
    onAuditError: (err) => logs.host.warn(`Audit log not written: ${describeError(err)}`),
  });
  context.subscriptions.push({ dispose: () => void host.dispose() });
  const { manager: m, broker, controls } = host;

  const featureCommands = new Map<string, CommandFn>();
  const features: FeatureDeps = { context, host, logs, revealRequests, registerCommand: (id, fn) => featureCommands.set(id, fn) };
  registerSamplingCommands(features);
  authFeature.registerCommands(features);

  const tree = new ServersTreeProvider(m);
  context.subscriptions.push(tree);

  const requestsModel = new BrokerRequestsModel(broker, m, controls);
  const statusBar = new StatusBar(m, () => requestsModel.waitingCount());
  context.subscriptions.push(statusBar);

  const requestsView = new RequestsViewProvider(context.extensionUri, requestsModel, logs.host);
  context.subscriptions.push(requestsModel, requestsView);

  // Requests added while the view is hidden raise one notification per turn of the event loop.
  let noticeQueue: AddedRequest[] = [];
  let noticeTimer: ReturnType<typeof setTimeout> | undefined;
  const notifyAdded = () => {
    noticeTimer = undefined;
    const notice = requestsView.isVisible ? undefined : reviewNotice(noticeQueue);
    noticeQueue = [];
    if (!notice) return;
    const text =
      notice.type === 'one'
        ? safe`MCP server "${notice.server}" ${notice.what}.`
        : notice.type === 'burst'
          ? safe`MCP server "${notice.server}" sent ${notice.count} requests to review.`
          : safe`${notice.servers} MCP servers sent ${notice.count} requests to review.`;
    void vscode.window.showInformationMessage(text, 'Review').then((choice) => {
      if (choice) void requestsView.reveal();
    });
  };
  const brokerSubs = [
    // After the view has the change: the status bar's re-render would hold the card back.
    broker.onDidChange(() => requestsView.afterDelivery('statusBar', () => statusBar.requestsChanged())),
    broker.onDidAdd((entry) => {
      if (requestsView.isVisible) return;
      // Requests that run without review (policy auto) only show up in History.
      if (!entry.needsAttention()) return;
      noticeQueue.push({ kind: entry.kind, server: entry.server });
      noticeTimer ??= setTimeout(notifyAdded, 0);
    }),
    { dispose: () => clearTimeout(noticeTimer) },
  ];
  context.subscriptions.push({ dispose: () => brokerSubs.forEach((d) => d.dispose()) });

  const notifyFailures = watchFailures(m, logs);
  const managerSub = m.onDidChange((name) => {
    statusBar.update();
    // Only a change of the configured set (no server name) can change the count.
    if (name === undefined) void vscode.commands.executeCommand('setContext', 'mcpApprovalHost.serverCount', m.list().length);
  });
  context.subscriptions.push({ dispose: () => managerSub.dispose() }, notifyFailures);

  const commands = createCommands({ context, manager: m, host, logs, revealRequests: () => requestsView.reveal(), refreshTree: () => tree.refresh() });
  for (const [id, fn] of featureCommands) commands.set(id, fn);
  const approvalUi = new ServerApprovalUi(m, logs);
  commands.set('mcpApprovalHost.reviewServer', (arg) => approvalUi.review(arg));
  commands.set('mcpApprovalHost.resetServerTrust', () => approvalUi.resetTrust());

  const issues = new IssueReporter(logs);
  const apply = () => {
    const parsed = settings.servers();
    issues.report(parsed.issues);
    approvalUi.reportConflicts(parsed.conflicts);
    m.applyConfig(parsed.servers, vscode.workspace.isTrusted);
    approvalUi.update();
  };
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(settingId(SETTINGS.servers))) apply();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => apply()),
    vscode.workspace.onDidChangeWorkspaceFolders(() => apply()),
  );
  apply();
  const chat = createChatFeature({ context, manager: m, logs });
  context.subscriptions.push(chat);
  logs.host.info(`Host started; ${m.list().length} server(s) configured`);
  return {
    executeCommand: async (id, args) => {
      const command = commands.get(id);
      if (!command) throw new Error(`Unknown command ${id}`);
      try {
        return await command(...args);
      } catch (err) {
        // VS Code shows what a command throws (a notification for keybindings, a dialog for the
        // palette), and a failed call can carry the server's words: rethrow them inert.
        throw new Error(safeText(describeError(err), 500), { cause: err });
      }
    },
    treeProvider: tree as vscode.TreeDataProvider<unknown>,
    requestsView,
    chat,
    shutdown: () => host.shutdown(),
  };
}

/** Shows configuration problems once per distinct set, not as a storm. */
class IssueReporter {
  private lastKey = '';
  constructor(private readonly logs: LogChannels) {}

  report(issues: ConfigIssue[]): void {
    const key = JSON.stringify(issues);
    if (key === this.lastKey) return;
    this.lastKey = key;
    if (issues.length === 0) return;
    for (const issue of issues) this.logs.host.warn(`Invalid server "${issue.server}": ${issue.field} ${issue.message}`);
    const first = issues[0];
    const text =
      issues.length === 1
        ? safe`MCP server "${first.server}" is not valid: ${first.field} ${first.message}. The other servers still run.`
        : safe`${issues.length} MCP server entries are not valid (first: "${first.server}": ${first.field} ${first.message}). The other servers still run.`;
    void vscode.window.showWarningMessage(text, 'Open Settings', 'Show Log').then((choice) => {
      if (choice === 'Open Settings') void vscode.commands.executeCommand('mcpApprovalHost.openSettings');
      else if (choice === 'Show Log') this.logs.host.show(true);
    });
  }
}

/** Notifies once when a server gives up restarting, with its last stderr lines in the log. */
function watchFailures(m: ServerManager, logs: LogChannels): vscode.Disposable {
  const notified = new Set<string>();
  const sub = m.onDidChange((name) => {
    if (!name) return;
    const server = m.get(name);
    if (!server) return;
    if (server.state.kind !== 'error' || server.state.retryInMs !== undefined) {
      if (server.state.kind === 'running') notified.delete(name);
      return;
    }
    if (notified.has(name)) return;
    notified.add(name);
    void vscode.window.showErrorMessage(safe`MCP server "${name}" stopped after repeated failures: ${server.state.message}`, 'Show Logs', 'Restart').then((choice) => {
      if (choice === 'Show Logs') logs.forServer(name).show(true);
      else if (choice === 'Restart') void vscode.commands.executeCommand('mcpApprovalHost.restartServer', name);
    });
  });
  return { dispose: () => sub.dispose() };
}
