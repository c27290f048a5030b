/**
 * VS Code names a gateway tool `mcp_<name>_<tool>`, where `<name>` is the
 * first 13 characters of the `serverInfo.name` the gateway reports (VS Code's
 * McpPrefixGenerator keeps tool prefixes to 18 characters; servers whose 13
 * characters are the same get `mcp_<12 characters>2_` and so on, in the order
 * VS Code meets them). The name the gateway reports is therefore at most 13
 * characters of what a tool name allows, so that VS Code uses it whole and the
 * `@mcp` participant can tell which listed tools are ours, whatever the real
 * server calls itself (its name is untrusted text).
 */
const MAX_LENGTH = 13;
/** VS Code's longest tool name (longer ones are cut). */
const MAX_TOOL_NAME = 64;

/** The real server's name, reduced to `[a-z0-9_-]`, at most 13 characters; the configured name when nothing is left. */
export function gatewayServerName(reported: string | undefined, configured: string): string {
  return clean(reported ?? '') || clean(configured) || 'server';
}

function clean(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '_')
    .replace(/_+/g, '_')
    .replace(/^[_-]+|[_-]+$/g, '')
    .slice(0, MAX_LENGTH)
    .replace(/[_-]+$/, '');
}

/**
 * Gives each exposed server a distinct gateway name: two servers that call
 * themselves the same would otherwise share VS Code's tool prefix. The first
 * keeps the name, later ones get `_2`, `_3`… in configuration order.
 */
export function distinctNames(servers: Array<{ configured: string; reported: string | undefined }>): Map<string, string> {
  const taken = new Set<string>();
  const names = new Map<string, string>();
  for (const { configured, reported } of servers) {
    const base = gatewayServerName(reported, configured);
    let name = base;
    for (let i = 2; taken.has(name); i++) name = `${base.slice(0, MAX_LENGTH - 1 - String(i).length)}_${i}`;
    taken.add(name);
    names.set(configured, name);
  }
  return names;
}

/**
 * VS Code's tool-name prefix for an MCP server that reports `serverName`, when
 * it is the `index`-th server (from 1) whose name starts with the same 13
 * characters.
 */
export function vscodeToolPrefix(serverName: string, index = 1): string {
  const bucket = serverName.toLowerCase().replace(/[^a-z0-9_.-]+/g, '_').slice(0, MAX_LENGTH);
  const suffix = `${index === 1 ? '' : index}_`;
  return `mcp_${bucket.slice(0, MAX_LENGTH + 1 - suffix.length)}${suffix}`;
}

/** The name VS Code lists a server's tool under, given the server's prefix. */
export function vscodeToolName(prefix: string, tool: string): string {
  return `${prefix}${tool}`.replaceAll('.', '_').slice(0, MAX_TOOL_NAME);
}

/**
 * Which of the tool names VS Code lists (`vscode.lm.tools`) are one server's,
 * seen through the gateway as `serverName` with `tools`: those under the first
 * prefix (by VS Code's index) that lists any of them. Returns VS Code's name →
 * the server's tool name. Another MCP server of VS Code's own that calls itself
 * the same and lists the same tool names cannot be told apart; the first wins.
 */
export function matchListedTools(serverName: string, tools: readonly string[], listed: readonly string[]): Map<string, string> {
  const present = new Set(listed);
  const found = new Map<string, string>();
  for (let index = 1; index <= 9 && found.size === 0; index++) {
    const prefix = vscodeToolPrefix(serverName, index);
    for (const tool of tools) {
      const name = vscodeToolName(prefix, tool);
      if (present.has(name) && !found.has(name)) found.set(name, tool);
    }
  }
  return found;
}
