import * as os from 'node:os';
import * as vscode from 'vscode';
import { parseServersSetting, type ConfigSource, type FolderRef, type ParsedConfig } from '../host/config';
import { readSignInRedirect, SETTINGS, SETTINGS_SECTION, type SettingsSource } from '../host/settings';

/** Where the browser returns after signing in to a remote server. */
export type SignInRedirect = 'loopback' | 'uriHandler';

function config(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration(SETTINGS_SECTION);
}

const SERVERS = SETTINGS.servers.key;

/** The host's view of the settings (keys and defaults from `host/settings.ts`), following changes. */
export const vscodeSettingsSource: SettingsSource = {
  get: (key) => config().get<unknown>(key),
  onDidChange: (listener) => vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration(SETTINGS_SECTION) && listener()),
};

/** Typed getters of the settings the extension itself reads; the host reads its own through {@link vscodeSettingsSource}. */
export const settings = {
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
    const value = readSignInRedirect(vscodeSettingsSource);
    if (value !== 'auto') return value;
    return vscode.env.uiKind === vscode.UIKind.Desktop && vscode.env.remoteName === undefined ? 'loopback' : 'uriHandler';
  },

  /** The raw user-level value, for commands that edit it. */
  rawUserServers(): Record<string, unknown> {
    const value = config().inspect<unknown>(SERVERS)?.globalValue;
    return value && typeof value === 'object' && !Array.isArray(value) ? { ...(value as Record<string, unknown>) } : {};
  },

  async writeUserServers(value: Record<string, unknown>): Promise<void> {
    await config().update(SERVERS, value, vscode.ConfigurationTarget.Global);
  },

  /** The raw value in a folder's own settings (the workspace settings of a single-folder window). */
  rawFolderServers(folder: vscode.WorkspaceFolder): Record<string, unknown> {
    const inspected = vscode.workspace.getConfiguration(SETTINGS_SECTION, folder.uri).inspect<unknown>(SERVERS);
    const value = vscode.workspace.workspaceFile ? inspected?.workspaceFolderValue : inspected?.workspaceValue;
    return value && typeof value === 'object' && !Array.isArray(value) ? { ...(value as Record<string, unknown>) } : {};
  },

  /** Writes a folder's own value; servers there need the person's approval before they start. */
  async writeFolderServers(folder: vscode.WorkspaceFolder, value: Record<string, unknown>): Promise<void> {
    const target = vscode.workspace.workspaceFile ? vscode.ConfigurationTarget.WorkspaceFolder : vscode.ConfigurationTarget.Workspace;
    await vscode.workspace.getConfiguration(SETTINGS_SECTION, folder.uri).update(SERVERS, value, target);
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
  const inspected = config().inspect<unknown>(SERVERS);
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
    const value = vscode.workspace.getConfiguration(SETTINGS_SECTION, folder.uri).inspect<unknown>(SERVERS)?.workspaceFolderValue;
    sources.push({ scope: 'workspace', value, folder: folderRef(folder), file: folderSettingsFile(folder) });
  }
  return sources;
}
