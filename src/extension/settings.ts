import * as os from 'node:os';
import * as vscode from 'vscode';
import { parseServersSetting, type ParsedConfig } from '../host/config';

/** Setting keys, in one place. */
export const Settings = {
  section: 'mcpApprovalHost',
  servers: 'servers',
  toolCallTimeoutSeconds: 'toolCallTimeoutSeconds',
  toolCallMaxSeconds: 'toolCallMaxSeconds',
  connectTimeoutSeconds: 'connectTimeoutSeconds',
  reviewTimeoutMinutes: 'reviewTimeoutMinutes',
  signInRedirect: 'signIn.redirect',
} as const;

/** Where the browser returns after signing in to a remote server. */
export type SignInRedirect = 'loopback' | 'uriHandler';

function config(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration(Settings.section);
}

function num(key: string, fallback: number, min: number, max: number): number {
  const value = config().get<number>(key, fallback);
  return typeof value === 'number' && Number.isFinite(value) ? Math.min(max, Math.max(min, value)) : fallback;
}

/** Typed getters with defaults and bounds for every setting. */
export const settings = {
  timeouts(): { connectMs: number; toolIdleMs: number; toolMaxMs: number } {
    return {
      connectMs: num(Settings.connectTimeoutSeconds, 30, 1, 600) * 1000,
      toolIdleMs: num(Settings.toolCallTimeoutSeconds, 60, 5, 3600) * 1000,
      toolMaxMs: num(Settings.toolCallMaxSeconds, 3600, 10, 86400) * 1000,
    };
  },

  /** How long a request waits for the person before it is answered for them (0 = forever). */
  reviewTimeoutMs(): number {
    return num(Settings.reviewTimeoutMinutes, 10, 0, 24 * 60) * 60_000;
  },

  /**
   * Reads `mcpApprovalHost.servers` from user and workspace scopes separately
   * (workspace entries need trust) and validates them.
   */
  servers(): ParsedConfig {
    const inspected = config().inspect<unknown>(Settings.servers);
    const folder = vscode.workspace.workspaceFolders?.[0];
    return parseServersSetting(
      [
        { scope: 'user', value: inspected?.globalValue },
        { scope: 'workspace', value: inspected?.workspaceValue },
        { scope: 'workspace', value: inspected?.workspaceFolderValue },
      ],
      { workspaceFolder: folder?.uri.fsPath, userHome: os.homedir(), env: process.env },
    );
  },

  /**
   * `loopback` (127.0.0.1) where the browser and the extension host share a
   * machine (desktop, not remote), else the URI handler; or as configured.
   */
  signInRedirect(): SignInRedirect {
    const value = config().get<string>(Settings.signInRedirect, 'auto');
    if (value === 'loopback' || value === 'uriHandler') return value;
    return vscode.env.uiKind === vscode.UIKind.Desktop && vscode.env.remoteName === undefined ? 'loopback' : 'uriHandler';
  },

  /** The raw user-level value, for commands that edit it. */
  rawUserServers(): Record<string, unknown> {
    const value = config().inspect<unknown>(Settings.servers)?.globalValue;
    return value && typeof value === 'object' && !Array.isArray(value) ? { ...(value as Record<string, unknown>) } : {};
  },

  async writeUserServers(value: Record<string, unknown>): Promise<void> {
    await config().update(Settings.servers, value, vscode.ConfigurationTarget.Global);
  },
};
