import * as path from 'node:path';
import * as vscode from 'vscode';
import { candidatesFrom, claudeDesktopConfigPath, type ImportCandidate } from '../host/importConfig';
import { confirmUserImport, describeTarget, existingAt, importDetail, importLines, targetFor, writeImports, type ImportTarget } from './importTargets';
import { safeText } from './approvalText';
import { settings } from './settings';

async function readCandidates(uri: vscode.Uri, label: string): Promise<Array<ImportCandidate & { target: ImportTarget }>> {
  try {
    const bytes = await vscode.workspace.fs.readFile(uri);
    const target = targetFor(uri);
    return candidatesFrom(new TextDecoder().decode(bytes), label).map((c) => ({ ...c, target }));
  } catch {
    return [];
  }
}

/**
 * "Import Servers…": finds entries in `.vscode/mcp.json` and Claude Desktop's
 * config, lets the person pick, and writes them where they belong (see
 * importTargets.ts): a workspace's entries into that folder's settings, where
 * they still need an approval; the person's own into user settings after a
 * dialog that shows what will run. Nothing is started here.
 */
export async function importServers(): Promise<void> {
  const sources: Array<Promise<Array<ImportCandidate & { target: ImportTarget }>>> = [];
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    sources.push(readCandidates(vscode.Uri.joinPath(folder.uri, '.vscode', 'mcp.json'), `${folder.name}/.vscode/mcp.json`));
  }
  sources.push(readCandidates(vscode.Uri.file(claudeDesktopConfigPath()), 'Claude Desktop'));
  const candidates = (await Promise.all(sources)).flat();
  if (candidates.length === 0) {
    const choice = await vscode.window.showInformationMessage('No servers found in .vscode/mcp.json or in Claude Desktop\'s configuration.', 'Choose a File…');
    if (choice) {
      const picked = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { JSON: ['json', 'jsonc'] }, title: 'Import MCP servers from…' });
      if (picked?.[0]) candidates.push(...(await readCandidates(picked[0], path.basename(picked[0].fsPath))));
    }
    if (candidates.length === 0) return;
  }
  const items = candidates.map((c) => {
    const replaces = c.name in existingAt(c.target);
    return {
      label: safeLabel(c.name),
      description: `${safeLabel(c.source)} → ${describeTarget(c.target)}${replaces ? ' — replaces the existing entry' : ''}`,
      detail: importDetail(c.name, c.entry, c.target),
      picked: !replaces && importLines(c.name, c.entry, c.target).ok,
      candidate: c,
    };
  });
  const picks = await vscode.window.showQuickPick(items, { canPickMany: true, title: 'Import MCP servers', placeHolder: 'Pick the servers to import' });
  if (!picks || picks.length === 0) return;
  const chosen = picks.map((p) => p.candidate);
  if (!(await confirmUserImport(chosen.filter((c) => c.target.kind === 'user')))) return;
  const toFolders = await writeImports(chosen);
  const text = `Imported ${picks.length} server${picks.length === 1 ? '' : 's'} into mcpApprovalHost.servers.`;
  void vscode.window.showInformationMessage(toFolders > 0 ? `${text} Servers imported into workspace settings start after you review them.` : text);
}

/** Names from a file as quick pick text (see approvalText.ts). */
function safeLabel(text: string): string {
  return safeText(text, 120);
}

/** "Add Server…": a short guided flow for a stdio command or a URL. */
export async function addServer(): Promise<void> {
  const kind = await vscode.window.showQuickPick(
    [
      { label: '$(terminal) Command (stdio)', description: 'Run a local program, e.g. npx -y @modelcontextprotocol/server-everything', value: 'stdio' as const },
      { label: '$(globe) URL (HTTP)', description: 'Connect to a Streamable HTTP or SSE endpoint', value: 'http' as const },
    ],
    { title: 'Add MCP Server' },
  );
  if (!kind) return;
  const target = await vscode.window.showInputBox({
    title: kind.value === 'stdio' ? 'Command to run' : 'Server URL',
    prompt: kind.value === 'stdio' ? 'The command and its arguments, separated by spaces' : 'https://example.com/mcp',
    ignoreFocusOut: true,
    validateInput: (text) => {
      if (text.trim() === '') return 'Required';
      if (kind.value === 'http') {
        try {
          const u = new URL(text.trim());
          if (u.protocol !== 'http:' && u.protocol !== 'https:') return 'Only http and https URLs are supported';
        } catch {
          return 'Not a valid URL';
        }
      }
      return undefined;
    },
  });
  if (!target) return;
  const existing = settings.rawUserServers();
  const suggested = kind.value === 'stdio' ? path.basename(target.trim().split(/\s+/)[0]) : new URL(target.trim()).hostname;
  const name = await vscode.window.showInputBox({
    title: 'Server name',
    value: suggested,
    ignoreFocusOut: true,
    validateInput: (text) => (text.trim() === '' ? 'Required' : text.trim() in existing ? 'A server with this name exists' : text.length > 100 ? 'Too long' : undefined),
  });
  if (!name) return;
  const parts = target.trim().split(/\s+/);
  existing[name.trim()] = kind.value === 'stdio' ? { command: parts[0], args: parts.slice(1) } : { type: 'http', url: target.trim() };
  await settings.writeUserServers(existing);
}
