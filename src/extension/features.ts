import type * as vscode from 'vscode';
import type { RequestBroker } from '../host/requests/broker';
import type { AuditLog } from '../host/audit';
import type { HostControls } from '../host/requests/controls';
import type { ServerManager } from '../host/serverManager';
import type { LogChannels } from './logs';

/** What the sampling and elicitation features get from the extension. */
export interface FeatureDeps {
  context: vscode.ExtensionContext;
  broker: RequestBroker;
  /** The audit log shared by sampling and elicitation (its settings are applied by the core). */
  audit: AuditLog;
  controls: HostControls;
  /** The server manager is created after the handlers; read it lazily. */
  manager(): ServerManager;
  logs: LogChannels;
  /** Reveals the Requests view. */
  revealRequests(): Promise<void>;
  /**
   * Adds a command contributed in package.json. Use this, not
   * `vscode.commands.registerCommand`: extension.ts registers every
   * contributed id up front and routes it here once the core is loaded.
   */
  registerCommand(id: string, fn: (...args: unknown[]) => unknown): void;
}
