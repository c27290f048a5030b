import type * as vscode from 'vscode';
import type { Host } from '../host/createHost';
import type { LogChannels } from './logs';

/** What the extension's features (sampling, elicitation, sign-in commands) get once the host is built. */
export interface FeatureDeps {
  context: vscode.ExtensionContext;
  /** The host core, built by `createHost`. */
  host: Host;
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
