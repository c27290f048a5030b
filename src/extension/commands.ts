import * as vscode from 'vscode';
import type { CallToolResult } from '@modelcontextprotocol/client';
import { describeError } from '../host/errors';
import type { ServerManager } from '../host/serverManager';
import { safe, safeText } from '../shared/safeText';
import { askArguments, checkArguments, pickTool, type CallToolTarget } from './callTool';
import { addServer, importServers } from './importServers';
import type { LogChannels } from './logs';
import { serverArg } from './serverArg';
import type { TreeNode } from './serversTree';
import { handleUrlElicitationRequired, isUrlElicitationRequired, type UrlRequiredDeps } from './elicitation';
import { askToolArguments } from './toolArgsForm';
import { showToolResult } from './toolResultPanel';

/** What the commands need. */
export interface CommandDeps {
  context: vscode.ExtensionContext;
  manager: ServerManager;
  /** The host's coordinators, for a tool call that needs URL elicitation first. */
  host: UrlRequiredDeps['host'];
  logs: LogChannels;
  revealRequests(): Promise<void>;
  refreshTree(): void;
}

/** A server argument from the tree, a name from another extension, or nothing (pick one). */
async function resolveServer(manager: ServerManager, arg: unknown, placeHolder: string, filter: (kind: string) => boolean = () => true): Promise<string | undefined> {
  const given = serverArg(arg);
  if (given !== undefined) return given;
  const servers = manager.list().filter((s) => filter(s.state.kind));
  if (servers.length === 0) {
    void vscode.window.showInformationMessage('No matching MCP server is configured.');
    return undefined;
  }
  // The label is neutralised for display; the item carries the real name.
  const pick = await vscode.window.showQuickPick(
    servers.map((s) => ({ label: safeText(s.name, 120), description: safeText(s.blockedReason ?? s.state.kind, 120), name: s.name })),
    { placeHolder: safeText(placeHolder) },
  );
  return pick?.name;
}

/** Runs an action and shows failures as a notification with "Show Logs". */
async function withErrors(logs: LogChannels, server: string | undefined, action: () => Promise<unknown>): Promise<void> {
  try {
    await action();
  } catch (err) {
    // The log keeps the full text; the notification gets an inert, capped line.
    const message = describeError(err);
    (server ? logs.forServer(server) : logs.host).error(message);
    // Say which server failed, unless its message already does (a notification is read out of context).
    const shown = server && !message.includes(`"${server}"`) ? safe`MCP server "${server}": ${message}` : safeText(message, 500);
    const choice = await vscode.window.showErrorMessage(shown, 'Show Logs');
    if (choice) (server ? logs.forServer(server) : logs.host).show(true);
  }
}

/** A command implementation, keyed by its full id in the map `createCommands` returns. */
export type CommandFn = (...args: unknown[]) => unknown;

/**
 * Every command of the extension by full id. Registration happens in
 * extension.ts (so that commands exist before the core is loaded).
 */
export function createCommands(deps: CommandDeps): Map<string, CommandFn> {
  const { manager, logs } = deps;
  const commands = new Map<string, CommandFn>();
  const register = (id: string, fn: CommandFn) => commands.set(`mcpApprovalHost.${id}`, fn);
  register('addServer', () => addServer());
  register('importServers', () => importServers());
  register('openSettings', () => vscode.commands.executeCommand('workbench.action.openSettings', 'mcpApprovalHost'));
  register('showRequests', () => deps.revealRequests());
  register('refresh', () => deps.refreshTree());
  register('showHostLog', () => logs.host.show(true));
  register('startServer', async (arg) => {
    const name = await resolveServer(manager, arg, 'Start which server?', (k) => k === 'stopped' || k === 'error');
    // A server the workspace defines starts only through its review.
    if (name && manager.get(name)?.blocked === 'needsApproval') return vscode.commands.executeCommand('mcpApprovalHost.reviewServer', name);
    if (name) await withErrors(logs, name, () => manager.start(name));
  });
  register('stopServer', async (arg) => {
    const name = await resolveServer(manager, arg, 'Stop which server?', (k) => k !== 'stopped');
    if (name) await withErrors(logs, name, () => manager.stop(name));
  });
  register('restartServer', async (arg) => {
    const name = await resolveServer(manager, arg, 'Restart which server?');
    if (name) await withErrors(logs, name, () => manager.restart(name));
  });
  register('showServerLogs', async (arg) => {
    const name = await resolveServer(manager, arg, 'Show the logs of which server?');
    if (name) logs.forServer(name).show(true);
  });
  register('callTool', (...args) => callToolCommand(deps, args));
  register('openResource', (arg) => openResource(deps, arg));
  return commands;
}

/**
 * "Call Tool…". With `(serverName, toolName, args)` it runs without prompts and
 * returns the `CallToolResult` (for keybindings and other extensions); from the
 * palette or the tree it asks for what is missing and opens the result.
 */
async function callToolCommand(deps: CommandDeps, args: unknown[]): Promise<CallToolResult | undefined> {
  const { manager } = deps;
  if (typeof args[0] === 'string' && typeof args[1] === 'string') {
    const [server, tool, toolArgs] = args as [string, string, unknown];
    if (toolArgs !== undefined && (typeof toolArgs !== 'object' || toolArgs === null || Array.isArray(toolArgs))) throw new Error('mcpApprovalHost.callTool: arguments must be an object');
    await manager.ensureRunning(server);
    return manager.callTool(server, tool, toolArgs as Record<string, unknown> | undefined);
  }
  const node = args[0] as TreeNode | { server?: unknown; tool?: unknown } | undefined;
  let target: CallToolTarget;
  if (node && 'kind' in node && node.kind === 'tool') target = { server: node.server, tool: node.tool.name };
  else if (node && typeof (node as { server?: unknown }).server === 'string' && typeof (node as { tool?: unknown }).tool === 'string') target = node as { server: string; tool: string };
  const picked = await pickTool(manager, target);
  if (!picked) return undefined;
  const toolArgs = await askToolArguments(deps.context.extensionUri, picked.server, picked.tool, () => askArguments(picked.tool));
  if (toolArgs === undefined) return undefined;
  const problem = checkArguments(picked.tool, toolArgs);
  if (problem) {
    void vscode.window.showErrorMessage(safe`Arguments do not match the tool's schema: ${problem}`);
    return undefined;
  }
  const started = Date.now();
  let result: CallToolResult | undefined;
  const run = () =>
    vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: safe`Calling ${picked.tool.name} on ${picked.server}…`, cancellable: true },
      (progress, token) => {
        const controller = new AbortController();
        token.onCancellationRequested(() => controller.abort(new Error('cancelled by the user')));
        return manager.callTool(picked.server, picked.tool.name, toolArgs, {
          signal: controller.signal,
          onProgress: (p) => progress.report({ message: safeText(progressText(p), 300) }),
        });
      },
    );
  await withErrors(deps.logs, picked.server, async () => {
    try {
      result = await run();
    } catch (err) {
      if (!isUrlElicitationRequired(err)) throw err;
      result = await handleUrlElicitationRequired(err, { server: picked.server, tool: picked.tool.name, arguments: toolArgs, retry: run }, deps);
    }
  });
  if (result) showToolResult(deps.context.extensionUri, picked.server, picked.tool.name, result, Date.now() - started);
  return result;
}

/** Reads a resource from the tree and shows its contents in the result viewer. */
async function openResource(deps: CommandDeps, arg: unknown): Promise<void> {
  const node = arg as TreeNode | undefined;
  if (!node || node.kind !== 'resource') return;
  const connection = deps.manager.get(node.server)?.connection;
  if (!connection) {
    void vscode.window.showErrorMessage(safe`Server "${node.server}" is not running.`);
    return;
  }
  const started = Date.now();
  await withErrors(deps.logs, node.server, async () => {
    const result = await connection.readResource(node.resource.uri);
    const contents = Array.isArray(result.contents) ? result.contents : [];
    showToolResult(deps.context.extensionUri, node.server, node.resource.name, { content: contents.map((resource) => ({ type: 'resource', resource })) }, Date.now() - started);
  });
}

/**
 * A progress line for the notification. The SDK reports its own multi-round
 * input steps (2026-07-28 era) in protocol terms; say what the person can do.
 */
export function progressText(p: { progress: number; total?: number; message?: string }): string {
  if (p.message && /input required/i.test(p.message)) return 'waiting for your answer in the Requests view';
  return p.message ?? (p.total ? `${p.progress}/${p.total}` : String(p.progress));
}
