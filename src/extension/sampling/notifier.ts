import * as vscode from 'vscode';
import { safe } from '../../shared/safeText';

const INTERVAL_MS = 60_000;

/**
 * Warnings about sampling that nobody saw on a card (a refused budget, a
 * failed auto request), at most one per server and kind per minute so that a
 * busy server cannot cause a storm of notifications.
 */
export class SamplingNotifier {
  private readonly last = new Map<string, number>();

  constructor(private readonly revealRequests: () => Promise<void>) {}

  /** A request was refused because the server is over its budget. */
  overBudget(server: string, reason: string): void {
    if (!this.allow(`budget:${server}`)) return;
    void vscode.window.showWarningMessage(safe`MCP server "${server}" is over its sampling budget and its request was refused: ${reason}`, 'Open Settings').then((choice) => {
      if (choice) void vscode.commands.executeCommand('workbench.action.openSettings', 'mcpApprovalHost.servers');
    });
  }

  /** A request that ran without review failed. */
  failed(server: string, message: string): void {
    if (!this.allow(`failed:${server}`)) return;
    void vscode.window.showWarningMessage(safe`A sampling request from MCP server "${server}" failed: ${message}`, 'Show Requests').then((choice) => {
      if (choice) void this.revealRequests();
    });
  }

  private allow(key: string): boolean {
    const now = Date.now();
    const last = this.last.get(key);
    if (last !== undefined && now - last < INTERVAL_MS) return false;
    this.last.set(key, now);
    return true;
  }
}
