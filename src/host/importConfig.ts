import * as os from 'node:os';
import * as path from 'node:path';
import { parse, printParseErrorCode, type ParseError } from 'jsonc-parser';

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

/** One problem found while parsing, with a 1-based position. */
export interface ParseProblem {
  message: string;
  line: number;
  column: number;
}

/** A configuration file that is not valid JSON with comments. */
export class ConfigParseError extends Error {
  constructor(
    /** The file, as the person knows it (a path or a label). */
    readonly source: string,
    readonly problems: ParseProblem[],
  ) {
    const first = problems[0];
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
    super(`${source} is not valid JSON: ${first.message} at line ${first.line}, column ${first.column}${more}`);
    this.name = 'ConfigParseError';
  }
}

/**
 * Parses JSON with comments and trailing commas (mcp.json's format) with
 * jsonc-parser. Throws a `ConfigParseError` naming `source` and the first
 * problem's position instead of returning a half-parsed value.
 */
export function parseJsonc(text: string, source: string): unknown {
  const errors: ParseError[] = [];
  const value: unknown = parse(text, errors, { allowTrailingComma: true, disallowComments: false, allowEmptyContent: false });
  if (errors.length > 0) throw new ConfigParseError(source, errors.map((e) => problemAt(text, e)));
  return value;
}

function problemAt(text: string, error: ParseError): ParseProblem {
  const before = text.slice(0, error.offset);
  const line = before.split('\n').length;
  const column = error.offset - (before.lastIndexOf('\n') + 1) + 1;
  // "CommaExpected" → "comma expected"
  const message = printParseErrorCode(error.error).replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return { message, line, column };
}

/**
 * Reads `servers` (mcp.json) or `mcpServers` (Claude Desktop) entries from a
 * file's text; throws a `ConfigParseError` when the file is not valid JSONC.
 */
export function candidatesFrom(text: string, source: string): ImportCandidate[] {
  const parsed = parseJsonc(text, source) as Record<string, unknown> | null;
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
