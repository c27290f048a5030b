import * as os from 'node:os';
import * as vscode from 'vscode';
import { parseServersSetting, type ConfigSource, type FolderRef, type ParsedConfig } from '../host/config';

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
   * Reads `mcpApprovalHost.servers` from every scope separately: user, the
   * workspace (the `.code-workspace` file of a multi-root window, or the
   * folder's `.vscode/settings.json` of a single-folder window), and each
   * folder of a multi-root window (read with that folder as the resource, the
   * only way VS Code returns folder values). Validated by the host core.
   */
  servers(): ParsedConfig {
    return parseServersSetting(serverSources(), { workspaceFolder: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath, userHome: os.homedir(), env: process.env });
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

  /** The raw value in a folder's own settings (the workspace settings of a single-folder window). */
  rawFolderServers(folder: vscode.WorkspaceFolder): Record<string, unknown> {
    const inspected = vscode.workspace.getConfiguration(Settings.section, folder.uri).inspect<unknown>(Settings.servers);
    const value = vscode.workspace.workspaceFile ? inspected?.workspaceFolderValue : inspected?.workspaceValue;
    return value && typeof value === 'object' && !Array.isArray(value) ? { ...(value as Record<string, unknown>) } : {};
  },

  /** Writes a folder's own value; servers there need the person's approval before they start. */
  async writeFolderServers(folder: vscode.WorkspaceFolder, value: Record<string, unknown>): Promise<void> {
    const target = vscode.workspace.workspaceFile ? vscode.ConfigurationTarget.WorkspaceFolder : vscode.ConfigurationTarget.Workspace;
    await vscode.workspace.getConfiguration(Settings.section, folder.uri).update(Settings.servers, value, target);
  },
};

function folderRef(folder: vscode.WorkspaceFolder): FolderRef {
  return { name: folder.name, path: folder.uri.fsPath };
}

/** The file VS Code keeps a folder's settings in. */
export function folderSettingsFile(folder: vscode.WorkspaceFolder): string {
  return vscode.Uri.joinPath(folder.uri, '.vscode', 'settings.json').fsPath;
}

/** Every value of `mcpApprovalHost.servers`, least specific first, each with where it was read. */
export function serverSources(): ConfigSource[] {
  const inspected = config().inspect<unknown>(Settings.servers);
  const folders = vscode.workspace.workspaceFolders ?? [];
  const workspaceFile = vscode.workspace.workspaceFile;
  const sources: ConfigSource[] = [{ scope: 'user', value: inspected?.globalValue }];
  if (!workspaceFile) {
    // A single-folder window: its workspace settings are the folder's own file.
    const folder = folders[0];
    sources.push({ scope: 'workspace', value: inspected?.workspaceValue, folder: folder && folderRef(folder), file: folder && folderSettingsFile(folder) });
    return sources;
  }
  sources.push({ scope: 'workspace', value: inspected?.workspaceValue, file: workspaceFile.scheme === 'file' ? workspaceFile.fsPath : 'the untitled workspace' });
  for (const folder of folders) {
    const value = vscode.workspace.getConfiguration(Settings.section, folder.uri).inspect<unknown>(Settings.servers)?.workspaceFolderValue;
    sources.push({ scope: 'workspace', value, folder: folderRef(folder), file: folderSettingsFile(folder) });
  }
  return sources;
}
