import * as vscode from 'vscode';
import type { ServerManager } from '../host/serverManager';
import { safe } from '../shared/safeText';

/**
 * Running servers and requests waiting for the person; a click opens the
 * Requests view. Every change of the item is a message to the workbench,
 * which re-renders the status bar: the item is only touched when what it
 * shows changes (a request that runs without review changes nothing).
 */
export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('mcpApprovalHost.status', vscode.StatusBarAlignment.Left, 50);
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** What the item shows now (text, tooltip, colour), to skip updates that change nothing. */
  private shown: string | undefined;

  constructor(
    private readonly manager: ServerManager,
    private readonly waiting: () => number,
  ) {
    this.item.name = 'MCP Approval Host';
    this.item.command = 'mcpApprovalHost.showRequests';
    this.update();
  }

  /** Called on every broker change: a burst of requests is counted once, at the end of the turn. */
  requestsChanged(): void {
    this.timer ??= setTimeout(() => this.update(), 0);
  }

  update(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const servers = this.manager.list();
    if (servers.length === 0) {
      if (this.shown !== '') this.item.hide();
      this.shown = '';
      return;
    }
    const pending = this.waiting();
    const running = servers.filter((s) => s.state.kind === 'running').length;
    const failed = servers.filter((s) => s.state.kind === 'error').length;
    const parts = [`$(server-process) ${running}/${servers.length}`];
    if (failed > 0) parts.push(`$(error) ${failed}`);
    if (pending > 0) parts.push(`$(bell-dot) ${pending}`);
    const text = parts.join('  ');
    const tooltip = safe`MCP Approval Host: ${running} of ${servers.length} servers running${failed ? `, ${failed} failed` : ''}${pending ? `, ${pending} requests waiting for review` : ''}`;
    const key = `${text}\n${tooltip}\n${pending > 0}`;
    if (key === this.shown) return;
    this.shown = key;
    // eslint-disable-next-line local/safe-text -- our own codicons and counts, no server text
    this.item.text = text;
    this.item.tooltip = tooltip;
    this.item.backgroundColor = pending > 0 ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.accessibilityInformation = { label: tooltip };
    this.item.show();
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.item.dispose();
  }
}
