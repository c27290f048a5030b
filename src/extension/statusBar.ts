import * as vscode from 'vscode';
import type { ServerManager } from '../host/serverManager';
import { safe } from '../shared/safeText';

/** Running servers and pending requests; a click opens the Requests view. */
export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('mcpApprovalHost.status', vscode.StatusBarAlignment.Left, 50);
  private pending = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly manager: ServerManager) {
    this.item.name = 'MCP Approval Host';
    this.item.command = 'mcpApprovalHost.showRequests';
    this.update();
  }

  /** Called on every broker change: a burst of requests updates the item once, at the end of the turn. */
  setPending(count: number): void {
    // Each update is a round trip to the workbench: none while a stream changes nothing here.
    if (count === this.pending) return;
    this.pending = count;
    this.timer ??= setTimeout(() => this.update(), 0);
  }

  update(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const servers = this.manager.list();
    if (servers.length === 0) {
      this.item.hide();
      return;
    }
    const running = servers.filter((s) => s.state.kind === 'running').length;
    const failed = servers.filter((s) => s.state.kind === 'error').length;
    const parts = [`$(server-process) ${running}/${servers.length}`];
    if (failed > 0) parts.push(`$(error) ${failed}`);
    if (this.pending > 0) parts.push(`$(bell-dot) ${this.pending}`);
    // eslint-disable-next-line local/safe-text -- our own codicons and counts, no server text
    this.item.text = parts.join('  ');
    this.item.tooltip = safe`MCP Approval Host: ${running} of ${servers.length} servers running${failed ? `, ${failed} failed` : ''}${this.pending ? `, ${this.pending} requests waiting for review` : ''}`;
    this.item.backgroundColor = this.pending > 0 ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.accessibilityInformation = { label: this.item.tooltip as string };
    this.item.show();
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.item.dispose();
  }
}
