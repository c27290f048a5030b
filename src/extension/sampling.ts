import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { AuditLog } from '../host/audit';
import { SamplingBudget } from '../host/sampling/budget';
import { SamplingCoordinator } from '../host/sampling/coordinator';
import { systemClock, type SamplingHandler } from '../host/types';
import { safe } from '../shared/safeText';
import type { FeatureDeps } from './features';
import { VscodeModelRunner } from './lmBridge';
import { SamplingNotifier } from './sampling/notifier';
import { setAutoSamplingPolicy } from './sampling/settingsWriter';
import { settings } from './settings';

/**
 * Creates the sampling handler: every request becomes a card in the Requests
 * view, runs through `vscode.lm` and is answered after review (or at once,
 * per the server's `samplingPolicy`). Registers the pause and audit commands.
 */
export function createSamplingHandler(deps: FeatureDeps): SamplingHandler & vscode.Disposable {
  const log = deps.logs.host;
  const audit = deps.audit;
  const notifier = new SamplingNotifier(() => deps.revealRequests());
  const coordinator = new SamplingCoordinator({
    broker: deps.broker,
    runner: new VscodeModelRunner(),
    clock: systemClock,
    budget: new SamplingBudget(),
    audit,
    reviewTimeoutMs: () => settings.reviewTimeoutMs(),
    // VS Code shows the justification in its consent prompt for the model.
    justification: (server) => safe`The MCP server "${server}" asks for a completion (an MCP sampling request handled by MCP Approval Host).`,
    serverOptions: (server) => deps.manager().get(server)?.config,
    paused: () => deps.controls.samplingPaused,
    onDidChangePaused: (listener) => deps.controls.onDidChange(listener),
    notifyBudget: (server, reason) => notifier.overBudget(server, reason),
    notify: (server, message) => notifier.failed(server, message),
    alwaysAllow: async (server) => {
      const config = deps.manager().get(server)?.config;
      if (!config) throw new Error(`"${server}" is no longer configured`);
      // The person's own edit keeps an approval of a workspace-defined server.
      deps.manager().expectOwnEdit(server, { samplingPolicy: 'auto' });
      await setAutoSamplingPolicy(config.definedName, config.scope, config.origin.folder?.path);
      log.info(`Sampling policy of "${server}" set to auto from a request card`);
    },
    openText: (_title, text) => {
      void vscode.workspace.openTextDocument({ content: text, language: 'plaintext' }).then((doc) => vscode.window.showTextDocument(doc, { preview: true }));
    },
  });

  deps.registerCommand('mcpApprovalHost.toggleSamplingPause', () => {
    deps.controls.samplingPaused = !deps.controls.samplingPaused;
    log.info(deps.controls.samplingPaused ? 'Sampling paused for all servers' : 'Sampling resumed');
    void vscode.window.showInformationMessage(deps.controls.samplingPaused ? 'Sampling is paused: every request is refused until you resume it.' : 'Sampling resumed.');
  });
  deps.registerCommand('mcpApprovalHost.openAuditLog', () => openAuditLog(audit));

  return {
    createMessage: (params, ctx) => coordinator.createMessage(params, ctx),
    dispose: () => coordinator.dispose(),
  };
}

/** Opens the audit log in an editor, creating an empty one when nothing was logged yet. */
async function openAuditLog(audit: AuditLog): Promise<void> {
  const uri = vscode.Uri.file(audit.filePath);
  await mkdir(path.dirname(audit.filePath), { recursive: true });
  // 'a' creates the file if it is missing and never truncates it.
  await writeFile(audit.filePath, '', { flag: 'a' });
  await vscode.window.showTextDocument(uri, { preview: false });
  if (!audit.enabled) void vscode.window.showInformationMessage('The audit log is turned off (mcpApprovalHost.auditLog.enabled); no new entries are written.');
}
