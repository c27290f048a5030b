import * as os from 'node:os';
import * as path from 'node:path';

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
