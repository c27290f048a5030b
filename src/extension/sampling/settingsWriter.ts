import * as vscode from 'vscode';
import type { ConfiguredServer } from '../../host/config';
import { SETTINGS, SETTINGS_SECTION } from '../../host/settings';
import type { SamplingPolicy } from '../../shared/samplingPolicy';
import { entryTarget, withSamplingPolicy } from '../entryTarget';

const SERVERS = SETTINGS.servers.key;

/**
 * Writes `samplingPolicy` into a server's entry of `mcpApprovalHost.servers`
 * in the settings scope the entry was read from (user, workspace, or the
 * folder of a multi-root workspace), leaving every other field and server
 * untouched. Throws when the entry is not found there.
 */
export async function setSamplingPolicy(server: Pick<ConfiguredServer, 'definedName' | 'origin'>, policy: SamplingPolicy): Promise<void> {
  const target = entryTarget(server.origin, vscode.workspace.workspaceFile !== undefined);
  const folder = target.scope === 'workspaceFolder' ? vscode.workspace.workspaceFolders?.find((f) => f.uri.fsPath === target.folderPath) : undefined;
  const config = vscode.workspace.getConfiguration(SETTINGS_SECTION, folder?.uri);
  const inspected = config.inspect<unknown>(SERVERS);
  const [value, configTarget] =
    target.scope === 'user'
      ? [inspected?.globalValue, vscode.ConfigurationTarget.Global]
      : target.scope === 'workspace'
        ? [inspected?.workspaceValue, vscode.ConfigurationTarget.Workspace]
        : [folder && inspected?.workspaceFolderValue, vscode.ConfigurationTarget.WorkspaceFolder];
  const next = withSamplingPolicy(value, server.definedName, policy);
  if (!next) throw new Error(`the entry of "${server.definedName}" was not found in the ${target.scope === 'user' ? 'user' : target.scope === 'workspace' ? 'workspace' : 'folder'} settings`);
  await config.update(SERVERS, next, configTarget);
}
