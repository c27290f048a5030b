import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { AuditLog } from '../host/audit';
import type { HostEnv } from '../host/createHost';
import { safe } from '../shared/safeText';
import type { FeatureDeps } from './features';
import { SamplingNotifier } from './sampling/notifier';
import { setAutoSamplingPolicy } from './sampling/settingsWriter';

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
    writeAutoPolicy: (config) => setAutoSamplingPolicy(config.definedName, config.scope, config.origin.folder?.path),
  };
}

/** Registers the pause and audit-log commands. */
export function registerSamplingCommands(deps: FeatureDeps): void {
  const { controls, audit } = deps.host;
  const log = deps.logs.host;
  deps.registerCommand('mcpApprovalHost.toggleSamplingPause', () => {
    controls.samplingPaused = !controls.samplingPaused;
    log.info(controls.samplingPaused ? 'Sampling paused for all servers' : 'Sampling resumed');
    void vscode.window.showInformationMessage(controls.samplingPaused ? 'Sampling is paused: every request is refused until you resume it.' : 'Sampling resumed.');
  });
  deps.registerCommand('mcpApprovalHost.openAuditLog', () => audit && openAuditLog(audit));
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
