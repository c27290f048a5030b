import * as vscode from 'vscode';
import { safe } from '../../shared/safeText';

/**
 * Warnings about sampling that nobody saw on a card (a refused budget, a
 * failed auto request). The sampling coordinator already lets at most one per
 * server and kind through per minute (`NoticeThrottle`).
 */
export class SamplingNotifier {
  constructor(private readonly revealRequests: () => Promise<void>) {}

  /** A request was refused because the server is over its budget. */
  overBudget(server: string, reason: string): void {
    void vscode.window.showWarningMessage(safe`MCP server "${server}" is over its sampling budget and its request was refused: ${reason}`, 'Open Settings').then((choice) => {
      if (choice) void vscode.commands.executeCommand('workbench.action.openSettings', 'mcpApprovalHost.servers');
    });
  }

  /** A request that ran without review failed. */
  failed(server: string, message: string): void {
    void vscode.window.showWarningMessage(safe`A sampling request from MCP server "${server}" failed: ${message}`, 'Show Requests').then((choice) => {
      if (choice) void this.revealRequests();
    });
  }
}
