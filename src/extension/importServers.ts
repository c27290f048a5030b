import * as path from 'node:path';
import * as vscode from 'vscode';
import { candidatesFrom, claudeDesktopConfigPath, ConfigParseError, type ImportCandidate } from '../host/importConfig';
import { safe, safeLines, safeText, safeVerbatim } from '../shared/safeText';
import { confirmUserImport, describeTarget, existingAt, importLines, targetFor, writeImports, type ImportTarget } from './importTargets';
import { settings } from './settings';

type Candidate = ImportCandidate & { target: ImportTarget };

/** Reads one file's entries; a missing file has none, a broken one is added to `broken`. */
async function readCandidates(uri: vscode.Uri, label: string, broken: ConfigParseError[]): Promise<Candidate[]> {
  let bytes: Uint8Array;
  try {
    bytes = await vscode.workspace.fs.readFile(uri);
  } catch {
    return [];
  }
  try {
    const target = targetFor(uri);
    return candidatesFrom(new TextDecoder().decode(bytes), label).map((c) => ({ ...c, target }));
  } catch (err) {
    if (!(err instanceof ConfigParseError)) throw err;
    broken.push(err);
    return [];
  }
}

/**
 * Says which files could not be read, where and why. Modal on purpose: its
 * detail is plain text, so a workspace folder name in a label never renders as a link.
 */
async function reportBroken(broken: ConfigParseError[]): Promise<void> {
  if (broken.length === 0) return;
  await vscode.window.showWarningMessage('Some configuration files are not valid JSON; their servers are not listed.', { modal: true, detail: safeLines(broken.map((e) => e.message).join('\n')) });
  broken.length = 0;
}

/**
 * "Import Servers…": finds entries in `.vscode/mcp.json` and Claude Desktop's
 * config, lets the person pick, and writes them where they belong (see
 * importTargets.ts): a workspace's entries into that folder's settings, where
 * they still need an approval; the person's own into user settings after a
 * dialog that shows what will run. Nothing is started here.
 */
export async function importServers(): Promise<void> {
  const sources: Array<Promise<Candidate[]>> = [];
  const broken: ConfigParseError[] = [];
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    sources.push(readCandidates(vscode.Uri.joinPath(folder.uri, '.vscode', 'mcp.json'), `${folder.name}/.vscode/mcp.json`, broken));
  }
  sources.push(readCandidates(vscode.Uri.file(claudeDesktopConfigPath()), 'Claude Desktop', broken));
  const candidates = (await Promise.all(sources)).flat();
  await reportBroken(broken);
  if (candidates.length === 0) {
    const choice = await vscode.window.showInformationMessage('No servers found in .vscode/mcp.json or in Claude Desktop\'s configuration.', 'Choose a File…');
    if (choice) {
      const picked = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { JSON: ['json', 'jsonc'] }, title: 'Import MCP servers from…' });
      if (picked?.[0]) candidates.push(...(await readCandidates(picked[0], path.basename(picked[0].fsPath), broken)));
      await reportBroken(broken);
    }
    if (candidates.length === 0) return;
  }
  // Names and commands come from files in the workspace (maybe a cloned repository): inert text.
  const items = candidates.map((c) => {
    const replaces = c.name in existingAt(c.target);
    // Everything that runs, variables named, values hidden; or why the entry cannot be imported.
    const { ok, lines } = importLines(c.name, c.entry, c.target);
    return {
      label: safeText(c.name, 120),
      description: replaces ? safe`${c.source} → ${describeTarget(c.target)} — replaces the existing entry` : safe`${c.source} → ${describeTarget(c.target)}`,
      detail: ok ? safeVerbatim(lines.join(' · '), 1000) : safe`$(warning) ${lines[0]}`,
      picked: !replaces && ok,
      candidate: c,
    };
  });
  const picks = await vscode.window.showQuickPick(items, { canPickMany: true, title: 'Import MCP servers', placeHolder: 'Pick the servers to import' });
  if (!picks || picks.length === 0) return;
  const chosen = picks.map((p) => p.candidate);
  if (!(await confirmUserImport(chosen.filter((c) => c.target.kind === 'user')))) return;
  const toFolders = await writeImports(chosen);
  const count = picks.length === 1 ? 'Imported 1 server into mcpApprovalHost.servers.' : safe`Imported ${picks.length} servers into mcpApprovalHost.servers.`;
  void vscode.window.showInformationMessage(toFolders > 0 ? safe`${count} Servers imported into workspace settings start after you review them.` : count);
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
