import * as vscode from 'vscode';
import { approvalLines, summarizeDefinition, type ApprovalStore, type DefinitionSummary } from '../host/approval';
import type { NameConflict } from '../host/config';
import { describeError } from '../host/errors';
import type { ServerManager, ServerView } from '../host/serverManager';
import { safe, safeLines, safeText, safeVerbatim } from '../shared/safeText';
import type { LogChannels } from './logs';
import { serverArg } from './serverArg';

const TRUST = 'Trust and Start';
const NOT_NOW = 'Not Now';
const REVIEW = 'Review…';

/** Approvals kept in the workspace's state: per workspace, forgotten by "Reset Server Trust". */
export class WorkspaceApprovalStore implements ApprovalStore {
  static readonly key = 'mcpApprovalHost.approvedServerDefinitions';
  private readonly hashes: Set<string>;

  constructor(private readonly memento: vscode.Memento) {
    const stored = memento.get<unknown>(WorkspaceApprovalStore.key);
    this.hashes = new Set(Array.isArray(stored) ? stored.filter((h): h is string => typeof h === 'string') : []);
  }

  has(hash: string): boolean {
    return this.hashes.has(hash);
  }

  add(hash: string): void {
    this.hashes.add(hash);
    void this.memento.update(WorkspaceApprovalStore.key, [...this.hashes]);
  }

  clear(): void {
    this.hashes.clear();
    void this.memento.update(WorkspaceApprovalStore.key, undefined);
  }
}

/** The folder a server runs in when its entry sets no `cwd`. */
function defaultCwd(server: ServerView): string | undefined {
  return server.config.origin.folder?.path ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
}

/** What a server runs or contacts, unresolved and without any value from the machine. */
export function summaryOf(server: ServerView): DefinitionSummary {
  return summarizeDefinition(server.config, process.env);
}

/**
 * Asks before servers a workspace defines first run: one calm notification
 * for everything waiting, a list to review from, and per server a dialog that
 * shows exactly what would run, with Trust and Start / Not Now.
 */
export class ServerApprovalUi {
  /** Definitions already announced in this window (a changed definition is announced again). */
  private readonly announced = new Set<string>();
  private lastConflicts = '[]';

  constructor(
    private readonly manager: ServerManager,
    private readonly logs: LogChannels,
  ) {}

  /** Called after every configuration change: announces servers newly waiting, once. */
  update(): void {
    const pending = this.manager.pendingApproval();
    const fresh = pending.filter((s) => !this.announced.has(s.definitionHash));
    if (fresh.length === 0) return;
    for (const s of fresh) {
      this.announced.add(s.definitionHash);
      this.logs.host.info(`Server "${s.name}" (${summaryOf(s).where}) waits for your approval before it starts`);
    }
    // No repository text in a notification: it would be rendered as links. Names are in the list.
    const text =
      pending.length === 1
        ? 'An MCP server defined by this workspace needs your approval before it starts.'
        : safe`${pending.length} MCP servers defined by this workspace need your approval before they start.`;
    void vscode.window.showInformationMessage(text, REVIEW, NOT_NOW).then((choice) => {
      if (choice === REVIEW) void this.review();
    });
  }

  /**
   * Two folders defining the same server name is not an error: both run,
   * named `name (folder)`. Said once per distinct set, in the log and in a
   * notification that carries no repository text.
   */
  reportConflicts(conflicts: NameConflict[]): void {
    const key = JSON.stringify(conflicts);
    if (key === this.lastConflicts) return;
    this.lastConflicts = key;
    if (conflicts.length === 0) return;
    for (const c of conflicts) this.logs.host.warn(`Server name "${c.name}" is defined in more than one folder: shown as ${c.qualified.map((q) => `"${q}"`).join(', ')}`);
    const text =
      conflicts.length === 1
        ? 'Two workspace folders define an MCP server of the same name: each is shown with its folder\'s name.'
        : safe`${conflicts.length} MCP server names are defined in more than one workspace folder: each is shown with its folder's name.`;
    void vscode.window.showInformationMessage(text, 'Show Log').then((choice) => choice && this.logs.host.show(true));
  }

  /** "Review and Start": one server (from the tree or by name), or the list of every waiting one. */
  async review(arg?: unknown): Promise<void> {
    const name = serverArg(arg);
    if (name !== undefined) {
      await this.reviewOne(name);
      return;
    }
    const skipped = new Set<string>();
    for (let round = 0; ; round++) {
      const pending = this.manager.pendingApproval().filter((s) => !skipped.has(s.name));
      if (pending.length === 0) {
        if (round === 0) void vscode.window.showInformationMessage('No MCP server is waiting for your approval.');
        return;
      }
      const pick = round === 0 && pending.length === 1 ? pending[0] : await this.pickPending(pending);
      if (!pick) return;
      if ((await this.reviewOne(pick.name)) !== 'approved') skipped.add(pick.name);
    }
  }

  private async pickPending(pending: ServerView[]): Promise<ServerView | undefined> {
    const items = pending.map((server) => {
      const summary = summaryOf(server);
      return {
        label: safeText(server.name, 120),
        description: safeVerbatim(summary.transport === 'stdio' ? summary.commandLine : summary.url, 200),
        detail: safe`Defined in ${summary.where}`,
        server,
      };
    });
    const pick = await vscode.window.showQuickPick(items, {
      title: 'MCP servers that need your approval',
      placeHolder: 'Pick a server to see what it runs before you trust it',
      matchOnDescription: true,
    });
    return pick?.server;
  }

  /** Shows one server's definition and records the person's decision. */
  async reviewOne(name: string): Promise<'approved' | 'declined' | 'unavailable'> {
    const server = this.manager.get(name);
    if (!server) return 'unavailable';
    if (server.blocked === 'untrusted') {
      void vscode.window.showInformationMessage('This workspace is in Restricted Mode: trust the workspace first, then review its MCP servers.');
      return 'unavailable';
    }
    if (server.blocked !== 'needsApproval') {
      void vscode.window.showInformationMessage(server.blocked ? safe`${server.name}: ${server.blockedReason}.` : safe`${server.name} does not need an approval.`);
      return 'unavailable';
    }
    const summary = summaryOf(server);
    const detail = [
      ...approvalLines(summary, defaultCwd(server)).map((line) => safeVerbatim(line, 4000)),
      '',
      summary.transport === 'stdio'
        ? 'It runs as a program with your permissions and gets the values above.'
        : summary.oauth
          ? 'The values above are sent to this address, and your sign-in goes where the sign-in lines say.'
          : 'The values above are sent to this address.',
      'Trust it only if you trust where this workspace came from.',
    ].join('\n');
    const choice = await vscode.window.showWarningMessage(
      safe`Trust and start the MCP server "${summary.name}" defined by this workspace?`,
      { modal: true, detail: safeLines(detail, 20_000, 200) },
      { title: TRUST },
      { title: NOT_NOW, isCloseAffordance: true },
    );
    if (choice?.title !== TRUST) {
      this.logs.host.info(`Server "${name}" was not approved (Not Now)`);
      return 'declined';
    }
    try {
      await this.manager.approve(name, server.definitionHash);
      return 'approved';
    } catch (err) {
      void vscode.window.showErrorMessage(safeText(describeError(err), 500));
      return 'unavailable';
    }
  }

  /** "Reset Server Trust": forgets every approval of this workspace after a confirmation. */
  async resetTrust(): Promise<void> {
    const choice = await vscode.window.showWarningMessage(
      'Forget which MCP servers of this workspace you trusted?',
      { modal: true, detail: 'Servers defined by the workspace stop now and ask again before they next start. Servers from your user settings are not affected.' },
      { title: 'Reset Server Trust' },
    );
    if (!choice) return;
    await this.manager.resetApprovals();
    // The person just asked for this: the tree shows what waits, without another notification.
    for (const s of this.manager.pendingApproval()) this.announced.add(s.definitionHash);
    this.logs.host.info('Server trust reset: every workspace-defined server needs approval again');
    const count = this.manager.pendingApproval().length;
    void vscode.window.showInformationMessage(count === 1 ? 'Server trust reset: 1 server needs your approval again.' : safe`Server trust reset: ${count} servers need your approval again.`);
  }
}
