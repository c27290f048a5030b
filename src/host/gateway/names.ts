/**
 * VS Code names a gateway tool `mcp_<serverInfo.name>_<tool>`: the name the
 * gateway reports must be short and made of characters a tool name allows,
 * whatever the real server calls itself (its name is untrusted text).
 */
const MAX_LENGTH = 32;

/** The real server's name, reduced to `[a-z0-9_-]`, at most 32 characters; the configured name when nothing is left. */
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
