import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { AuditLog } from '../host/audit';
import type { HostEnv } from '../host/createHost';
import type { ServerManager } from '../host/serverManager';
import { SAMPLING_POLICIES, SAMPLING_POLICY_DESCRIPTIONS, type SamplingPolicy } from '../shared/samplingPolicy';
import { safe, safeText } from '../shared/safeText';
import type { FeatureDeps } from './features';
import { SamplingNotifier } from './sampling/notifier';
import { serverArg } from './serverArg';
import { setSamplingPolicy } from './sampling/settingsWriter';

/**
 * What the person sees of sampling outside the Requests view: VS Code's
 * consent justification, notices for refused or failed requests nobody saw on
 * a card, long texts in an editor, and "Always allow" written to settings.
 */
export function samplingUi(revealRequests: () => Promise<void>): NonNullable<HostEnv['sampling']> {
  const notifier = new SamplingNotifier(revealRequests);
  return {
    // VS Code shows the justification in its consent prompt for the model.
    justification: (server) => safe`The MCP server "${server}" asks for a completion (an MCP sampling request handled by MCP Approval Host).`,
    notifyBudget: (server, reason) => notifier.overBudget(server, reason),
    notifyFailure: (server, message) => notifier.failed(server, message),
    openText: (_title, text) => {
      void vscode.workspace.openTextDocument({ content: text, language: 'plaintext' }).then((doc) => vscode.window.showTextDocument(doc, { preview: true }));
    },
    writeAutoPolicy: (config) => setSamplingPolicy(config, 'auto'),
  };
}

/** Registers the pause, policy and audit-log commands. */
export function registerSamplingCommands(deps: FeatureDeps): void {
  const { controls, audit } = deps.host;
  const log = deps.logs.host;
  deps.registerCommand('mcpApprovalHost.toggleSamplingPause', () => {
    controls.samplingPaused = !controls.samplingPaused;
    log.info(controls.samplingPaused ? 'Sampling paused for all servers' : 'Sampling resumed');
    void vscode.window.showInformationMessage(controls.samplingPaused ? 'Sampling is paused: every request is refused until you resume it.' : 'Sampling resumed.');
  });
  deps.registerCommand('mcpApprovalHost.openAuditLog', () => audit && openAuditLog(audit));
  deps.registerCommand('mcpApprovalHost.setSamplingPolicy', async (arg) => {
    const manager = deps.host.manager;
    const name = serverArg(arg) ?? (await pickServer(manager));
    const server = name === undefined ? undefined : manager.get(name);
    if (!server) return;
    const policy = await pickPolicy(server.name, server.config.samplingPolicy);
    if (!policy) return;
    try {
      // The person's own edit: an approved workspace-defined server stays approved.
      manager.expectOwnEdit(server.name, { samplingPolicy: policy });
      await setSamplingPolicy(server.config, policy);
      log.info(`Sampling policy of "${server.name}" set to ${policy} (Set Sampling Policy…)`);
    } catch (err) {
      log.error(`Could not set the sampling policy of "${server.name}": ${err instanceof Error ? err.message : String(err)}`);
      void vscode.window.showErrorMessage(safe`Could not set the sampling policy of ${server.name}. See the host log for details.`);
    }
  });
}

/** Quick pick of a configured server, each with its current policy and where it is defined. */
async function pickServer(manager: ServerManager): Promise<string | undefined> {
  const servers = manager.list();
  if (servers.length === 0) {
    void vscode.window.showInformationMessage('No MCP server is configured yet: add one first.');
    return undefined;
  }
  const pick = await vscode.window.showQuickPick(
    servers.map((s) => ({
      label: safeText(s.name, 120),
      description: safe`${s.config.samplingPolicy}`,
      detail: s.config.origin.scope === 'user' ? 'user settings' : safeText(s.config.origin.file ?? 'workspace settings', 200),
      name: s.name,
    })),
    { title: 'Set Sampling Policy', placeHolder: 'Which server?' },
  );
  return pick?.name;
}

/** Quick pick of a policy, each with what it means; the current one first marked. */
async function pickPolicy(server: string, current: SamplingPolicy): Promise<SamplingPolicy | undefined> {
  const pick = await vscode.window.showQuickPick(
    SAMPLING_POLICIES.map((policy) => ({
      label: safeText(policy),
      description: policy === current ? '(current)' : undefined,
      detail: safeText(SAMPLING_POLICY_DESCRIPTIONS[policy]),
      policy,
    })),
    { title: safe`Sampling policy of ${server}`, placeHolder: 'How much review its sampling requests get' },
  );
  return pick?.policy;
}

/** Opens the audit log in an editor, creating an empty one when nothing was logged yet. */
async function openAuditLog(audit: AuditLog): Promise<void> {
  const uri = vscode.Uri.file(audit.filePath);
  await mkdir(path.dirname(audit.filePath), { recursive: true });
  // 'a' creates the file if it is missing and never truncates it.
  await writeFile(audit.filePath, '', { flag: 'a' });
  // Entries are written in batches: show the latest ones too.
  await audit.flush();
  await vscode.window.showTextDocument(uri, { preview: false });
  if (!audit.enabled) void vscode.window.showInformationMessage('The audit log is turned off (mcpApprovalHost.auditLog.enabled); no new entries are written.');
}
