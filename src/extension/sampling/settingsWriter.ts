import * as vscode from 'vscode';
import type { ConfigScope } from '../../host/config';
import { SETTINGS, SETTINGS_SECTION } from '../../host/settings';

const SECTION = SETTINGS_SECTION;
const SERVERS = SETTINGS.servers.key;

function asObject(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/**
 * Writes `samplingPolicy: "auto"` into a server's entry of
 * `mcpApprovalHost.servers`, at the scope the entry was defined in (user or
 * workspace; `folderPath` names the folder of a folder-level entry), leaving
 * every other field and server untouched. Throws when the entry cannot be
 * found there.
 */
export async function setAutoSamplingPolicy(server: string, scope: ConfigScope, folderPath?: string): Promise<void> {
  // A folder's entry is written back to that folder's settings (multi-root windows).
  const folders = vscode.workspace.workspaceFolders ?? [];
  const folder = folders.find((f) => f.uri.fsPath === folderPath) ?? folders[0];
  const config = vscode.workspace.getConfiguration(SECTION, folder?.uri);
  const inspected = config.inspect<unknown>(SERVERS);
  // Later scopes override earlier ones when settings are read, so look from the most specific down.
  const candidates: Array<{ value: unknown; target: vscode.ConfigurationTarget }> =
    scope === 'workspace'
      ? [
          { value: inspected?.workspaceFolderValue, target: vscode.ConfigurationTarget.WorkspaceFolder },
          { value: inspected?.workspaceValue, target: vscode.ConfigurationTarget.Workspace },
        ]
      : [{ value: inspected?.globalValue, target: vscode.ConfigurationTarget.Global }];
  for (const { value, target } of candidates) {
    const servers = asObject(value);
    const entry = asObject(servers?.[server]);
    if (!servers || !entry) continue;
    await config.update(SERVERS, { ...servers, [server]: { ...entry, samplingPolicy: 'auto' } }, target);
    return;
  }
  throw new Error(`the entry of "${server}" was not found in the ${scope} settings`);
}
