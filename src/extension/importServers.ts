import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { parseEntry } from '../host/config';
import { settings } from './settings';

/** A server entry found in another host's configuration file. */
export interface ImportCandidate {
  name: string;
  entry: Record<string, unknown>;
  source: string;
}

/** Where Claude Desktop keeps its configuration on each platform. */
export function claudeDesktopConfigPath(platform = process.platform, home = os.homedir(), env = process.env): string {
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'Claude', 'claude_desktop_config.json');
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'Claude', 'claude_desktop_config.json');
  return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), 'Claude', 'claude_desktop_config.json');
}

/** Strips // and /* comments and trailing commas (mcp.json is JSON with comments). */
export function parseJsonc(text: string): unknown {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      out += c;
      if (c === '\\') out += text[++i] ?? '';
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
      out += c;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (c === '/' && text[i + 1] === '*') {
      i += 2;
      while (i < text.length && !(text[i] === '*' && text[i + 1] === '/')) i++;
      i++;
    } else out += c;
  }
  return JSON.parse(out.replace(/,(\s*[}\]])/g, '$1'));
}

/** Reads `servers` (mcp.json) or `mcpServers` (Claude Desktop) entries from a file. */
export function candidatesFrom(text: string, source: string): ImportCandidate[] {
  const parsed = parseJsonc(text) as Record<string, unknown>;
  const table = (parsed?.servers ?? parsed?.mcpServers) as Record<string, unknown> | undefined;
  if (!table || typeof table !== 'object') return [];
  return Object.entries(table)
    .filter(([, entry]) => entry && typeof entry === 'object' && !Array.isArray(entry))
    .map(([name, entry]) => {
      const e = { ...(entry as Record<string, unknown>) };
      // Claude Desktop omits "type" for remote servers that have a URL.
      if (e.url !== undefined && e.type === undefined) e.type = 'http';
      return { name, entry: e, source };
    });
}

async function readCandidates(uri: vscode.Uri, label: string): Promise<ImportCandidate[]> {
  try {
    const bytes = await vscode.workspace.fs.readFile(uri);
    return candidatesFrom(new TextDecoder().decode(bytes), label);
  } catch {
    return [];
  }
}

/**
 * "Import Servers…": finds entries in `.vscode/mcp.json` and Claude Desktop's
 * config, lets the person pick, and writes them to the user setting. Nothing
 * is started here; imported servers start like any other configured server.
 */
export async function importServers(): Promise<void> {
  const sources: Array<Promise<ImportCandidate[]>> = [];
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
  const existing = settings.rawUserServers();
  const items = candidates.map((c) => {
    const check = parseEntry(c.name, c.entry, { userHome: os.homedir(), env: process.env, workspaceFolder: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath });
    const summary = typeof c.entry.command === 'string' ? [c.entry.command, ...(Array.isArray(c.entry.args) ? c.entry.args : [])].join(' ') : String(c.entry.url ?? '');
    return {
      label: c.name,
      description: `${c.source}${c.name in existing ? ' — replaces the existing entry' : ''}`,
      detail: 'issue' in check ? `$(warning) ${check.issue.field}: ${check.issue.message}` : summary.slice(0, 200),
      picked: !(c.name in existing) && !('issue' in check),
      candidate: c,
    };
  });
  const picks = await vscode.window.showQuickPick(items, { canPickMany: true, title: 'Import MCP servers into your user settings', placeHolder: 'Pick the servers to import' });
  if (!picks || picks.length === 0) return;
  for (const pick of picks) existing[pick.candidate.name] = pick.candidate.entry;
  await settings.writeUserServers(existing);
  void vscode.window.showInformationMessage(`Imported ${picks.length} server${picks.length === 1 ? '' : 's'} into mcpApprovalHost.servers.`);
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
