import * as os from 'node:os';
import * as vscode from 'vscode';
import { approvalLines, summarizeDefinition } from '../host/approval';
import { parseEntry } from '../host/config';
import { safe, safeLines, safeText, safeVerbatim } from '../shared/safeText';
import { settings } from './settings';

/**
 * Where "Import Servers…" writes an entry. A file inside a workspace folder
 * (that folder's `.vscode/mcp.json`, or any file picked from it) came with the
 * repository: its entries go to that folder's settings, where they need the
 * person's approval before they first run, exactly like entries the
 * repository defines itself. Pressing Import is never that approval. Files
 * outside the workspace (Claude Desktop's config, a file picked elsewhere) are
 * the person's own and go to user settings, after a dialog that shows in full
 * what will run.
 */
export type ImportTarget = { kind: 'user' } | { kind: 'folder'; folder: vscode.WorkspaceFolder };

/** The target for entries read from `uri`. */
export function targetFor(uri: vscode.Uri): ImportTarget {
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  return folder ? { kind: 'folder', folder } : { kind: 'user' };
}

/** Where an entry goes, for the quick pick. */
export function describeTarget(target: ImportTarget): string {
  return target.kind === 'user' ? 'into your user settings' : `into the settings of folder ${target.folder.name} (asks before it starts)`;
}

function check(name: string, entry: Record<string, unknown>, target: ImportTarget) {
  const folder = target.kind === 'folder' ? target.folder.uri.fsPath : vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  return parseEntry(name, entry, { userHome: os.homedir(), env: process.env, workspaceFolder: folder });
}

/** What an entry runs or contacts, unresolved, with no value from this machine; or why it is invalid. */
export function importLines(name: string, entry: Record<string, unknown>, target: ImportTarget): { ok: boolean; lines: string[] } {
  const checked = check(name, entry, target);
  if ('issue' in checked) return { ok: false, lines: [`${checked.issue.field}: ${checked.issue.message}`] };
  const summary = summarizeDefinition({ definedName: name, origin: { scope: target.kind === 'user' ? 'user' : 'workspace' }, definition: checked.definition }, process.env);
  // "Defined in" is the target's business, not the source file's.
  return { ok: true, lines: approvalLines(summary).slice(1) };
}

/**
 * Entries imported into user settings start without asking again: show all
 * of what they run in a dialog (a quick pick line can be cut off) and import
 * only on "Import and Trust".
 */
export async function confirmUserImport(picks: Array<{ name: string; entry: Record<string, unknown> }>): Promise<boolean> {
  if (picks.length === 0) return true;
  const detail = picks
    .map((p) => [safeText(p.name, 120), ...importLines(p.name, p.entry, { kind: 'user' }).lines.map((l) => `  ${safeVerbatim(l, 4000)}`)].join('\n'))
    .join('\n\n');
  const choice = await vscode.window.showWarningMessage(
    picks.length === 1 ? 'Import this MCP server into your user settings? It will start without asking again.' : safe`Import these ${picks.length} MCP servers into your user settings? They will start without asking again.`,
    { modal: true, detail: safeLines(detail, 20_000, 200) },
    { title: 'Import and Trust' },
  );
  return choice?.title === 'Import and Trust';
}

/** Writes the picked entries, grouped by target; returns how many went to folder settings. */
export async function writeImports(picks: Array<{ name: string; entry: Record<string, unknown>; target: ImportTarget }>): Promise<number> {
  const user = picks.filter((p) => p.target.kind === 'user');
  if (user.length > 0) {
    const existing = settings.rawUserServers();
    for (const p of user) existing[p.name] = p.entry;
    await settings.writeUserServers(existing);
  }
  const folders = new Map<string, { folder: vscode.WorkspaceFolder; picks: typeof picks }>();
  for (const p of picks) {
    if (p.target.kind !== 'folder') continue;
    const key = p.target.folder.uri.toString();
    folders.set(key, { folder: p.target.folder, picks: [...(folders.get(key)?.picks ?? []), p] });
  }
  for (const { folder, picks: list } of folders.values()) {
    const existing = settings.rawFolderServers(folder);
    for (const p of list) existing[p.name] = p.entry;
    await settings.writeFolderServers(folder, existing);
  }
  return picks.length - user.length;
}

/** The names already defined where an entry would go. */
export function existingAt(target: ImportTarget): Record<string, unknown> {
  return target.kind === 'user' ? settings.rawUserServers() : settings.rawFolderServers(target.folder);
}
