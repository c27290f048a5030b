import { z } from 'zod';
import { resolveVariables, VariableContext } from './variables';

/** Sampling policy for a server (see the README's settings reference). */
export const SamplingPolicySchema = z.enum(['ask', 'approvePrompt', 'auto', 'deny']);

const common = {
  disabled: z.boolean().optional(),
  autoStart: z.boolean().optional(),
  samplingPolicy: SamplingPolicySchema.optional(),
  allowedModels: z.array(z.string()).optional(),
  maxRequestsPerMinute: z.number().int().positive().optional(),
  maxTokens: z.number().int().positive().optional(),
};

const StdioEntrySchema = z.object({
  type: z.literal('stdio').optional(),
  command: z.string().min(1, 'must not be empty'),
  args: z.array(z.string()).optional(),
  env: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
  envFile: z.string().optional(),
  cwd: z.string().optional(),
  ...common,
});

const RemoteEntrySchema = z.object({
  type: z.enum(['http', 'sse']),
  url: z.string().min(1, 'must not be empty'),
  headers: z.record(z.string(), z.string()).optional(),
  /** A client id pre-registered with the server's authorization server (else CIMD or dynamic registration). */
  clientId: z.string().min(1, 'must not be empty').optional(),
  /** Scopes to ask for when neither the server's challenge nor its metadata names any. */
  scopes: z.array(z.string().min(1, 'must not be empty')).optional(),
  /** `client_credentials`: a machine-to-machine client (needs clientId and a client secret), no browser. */
  grant: z.enum(['authorization_code', 'client_credentials']).optional(),
  // A secret in settings would be plain text on disk and in settings sync.
  clientSecret: z.undefined({ error: 'must not be in settings: run "MCP Approval Host: Set Client Secret…" to keep it in secret storage' }).optional(),
  ...common,
});

/** One entry of `mcpApprovalHost.servers`, as written by the person. */
export const ServerEntrySchema = z.union([StdioEntrySchema, RemoteEntrySchema]);
export type ServerEntry = z.infer<typeof ServerEntrySchema>;

/** Per-server options shared by every transport. */
export interface ServerOptions {
  disabled: boolean;
  autoStart: boolean;
  samplingPolicy: z.infer<typeof SamplingPolicySchema>;
  allowedModels?: string[];
  maxRequestsPerMinute?: number;
  maxTokens?: number;
}

/** A validated server configuration with variables resolved. */
export type ServerConfig =
  | ({ name: string; type: 'stdio'; command: string; args: string[]; env: Record<string, string>; envFile?: string; cwd?: string } & ServerOptions)
  | ({ name: string; type: 'http' | 'sse'; url: string; headers: Record<string, string>; clientId?: string; scopes?: string[]; grant?: 'authorization_code' | 'client_credentials' } & ServerOptions);

/** A problem with one entry, naming the server and the field. */
export interface ConfigIssue {
  server: string;
  field: string;
  message: string;
}

/** Where a server entry was defined; workspace entries need a trusted workspace. */
export type ConfigScope = 'user' | 'workspace';

export interface ParsedConfig {
  servers: Array<ServerConfig & { scope: ConfigScope }>;
  issues: ConfigIssue[];
}

const MAX_NAME_LENGTH = 100;

/**
 * Validates the raw setting value(s). Invalid entries are reported in
 * `issues` and left out; the others are returned resolved. Never throws.
 */
export function parseServersSetting(
  sources: Array<{ scope: ConfigScope; value: unknown }>,
  ctx: VariableContext,
): ParsedConfig {
  const result: ParsedConfig = { servers: [], issues: [] };
  const byName = new Map<string, ServerConfig & { scope: ConfigScope }>();
  for (const source of sources) {
    if (source.value === undefined || source.value === null) continue;
    if (typeof source.value !== 'object' || Array.isArray(source.value)) {
      result.issues.push({ server: '(all)', field: 'mcpApprovalHost.servers', message: `must be an object keyed by server name (${source.scope} settings)` });
      continue;
    }
    for (const [name, raw] of Object.entries(source.value as Record<string, unknown>)) {
      const parsed = parseEntry(name, raw, ctx);
      if ('issue' in parsed) {
        result.issues.push(parsed.issue);
        continue;
      }
      // Workspace entries override user entries of the same name, like VS Code settings.
      byName.set(name, { ...parsed.config, scope: source.scope });
    }
  }
  result.servers = [...byName.values()];
  return result;
}

/** Validates and resolves one entry. */
export function parseEntry(name: string, raw: unknown, ctx: VariableContext): { config: ServerConfig } | { issue: ConfigIssue } {
  if (name.trim() === '' || name.length > MAX_NAME_LENGTH) {
    return { issue: { server: name.slice(0, MAX_NAME_LENGTH), field: '(name)', message: `server names must be 1–${MAX_NAME_LENGTH} characters` } };
  }
  const checked = ServerEntrySchema.safeParse(raw);
  if (!checked.success) {
    return { issue: describeZodIssue(name, raw, checked.error) };
  }
  const entry = checked.data;
  const resolver = new FieldResolver(name, ctx);
  const options: ServerOptions = {
    disabled: entry.disabled ?? false,
    autoStart: entry.autoStart ?? true,
    samplingPolicy: entry.samplingPolicy ?? 'ask',
    allowedModels: entry.allowedModels,
    maxRequestsPerMinute: entry.maxRequestsPerMinute,
    maxTokens: entry.maxTokens,
  };
  let config: ServerConfig;
  if ('command' in entry) {
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(entry.env ?? {})) {
      if (value !== null) env[key] = resolver.resolve(`env.${key}`, String(value));
    }
    config = {
      name,
      type: 'stdio',
      command: resolver.resolve('command', entry.command),
      args: (entry.args ?? []).map((arg, i) => resolver.resolve(`args[${i}]`, arg)),
      env,
      envFile: entry.envFile === undefined ? undefined : resolver.resolve('envFile', entry.envFile),
      cwd: entry.cwd === undefined ? undefined : resolver.resolve('cwd', entry.cwd),
      ...options,
    };
  } else {
    const url = resolver.resolve('url', entry.url);
    const headers: Record<string, string> = {};
    for (const [key, value] of Object.entries(entry.headers ?? {})) headers[key] = resolver.resolve(`headers.${key}`, value);
    config = { name, type: entry.type, url, headers, ...(entry.clientId !== undefined && { clientId: entry.clientId }), ...(entry.scopes && { scopes: entry.scopes }), ...(entry.grant && { grant: entry.grant }), ...options };
    if (resolver.issue === undefined) {
      const urlIssue = checkServerUrl(url);
      if (urlIssue) return { issue: { server: name, field: 'url', message: urlIssue } };
    }
  }
  return resolver.issue ? { issue: resolver.issue } : { config };
}

/** Server URLs must be absolute http(s) URLs. */
function checkServerUrl(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `"${url}" is not a valid URL`;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return `only http and https URLs are supported, not ${parsed.protocol}`;
  return undefined;
}

class FieldResolver {
  issue: ConfigIssue | undefined;
  constructor(
    private readonly server: string,
    private readonly ctx: VariableContext,
  ) {}

  resolve(field: string, value: string): string {
    const r = resolveVariables(value, this.ctx);
    if (r.ok) return r.value;
    this.issue ??= { server: this.server, field, message: r.error };
    return value;
  }
}

function describeZodIssue(server: string, raw: unknown, error: z.ZodError): ConfigIssue {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return { server, field: '(entry)', message: 'must be an object such as { "command": "node", "args": ["server.js"] } or { "type": "http", "url": "https://…" }' };
  }
  const obj = raw as Record<string, unknown>;
  const type = obj.type;
  if (type !== undefined && type !== 'stdio' && type !== 'http' && type !== 'sse') {
    return { server, field: 'type', message: `must be "stdio", "http" or "sse", not ${JSON.stringify(type)}` };
  }
  if ((type === 'http' || type === 'sse') && obj.url === undefined) {
    return { server, field: 'url', message: 'is required for http and sse servers' };
  }
  if ((type === undefined || type === 'stdio') && obj.command === undefined) {
    return { server, field: 'command', message: obj.url !== undefined ? 'is required for stdio servers (add "type": "http" for a URL)' : 'is required' };
  }
  // With a union, report the issue from the branch that matches the declared type.
  const branch = type === 'http' || type === 'sse' ? RemoteEntrySchema : StdioEntrySchema;
  const branchResult = branch.safeParse(raw);
  const issue = branchResult.success ? error.issues[0] : branchResult.error.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : String(p))).join('.').replace(/\.\[/g, '[') : '(entry)';
  return { server, field, message: issue ? issue.message : 'is invalid' };
}

/** Parses a dotenv-style file: `KEY=value` lines, `#` comments, optional quotes. */
export function parseEnvFile(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) continue;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/.exec(line);
    if (!match) continue;
    let value = match[2];
    const quoted = /^(['"])(.*)\1$/.exec(value);
    if (quoted) {
      value = quoted[1] === '"' ? quoted[2].replace(/\\n/g, '\n').replace(/\\"/g, '"') : quoted[2];
    } else {
      const hash = value.indexOf(' #');
      if (hash >= 0) value = value.slice(0, hash).trimEnd();
    }
    env[match[1]] = value;
  }
  return env;
}

/**
 * True when two configs start the same process or connection. Options such as
 * the sampling policy can change without a restart; anything else restarts.
 */
export function sameConnection(a: ServerConfig, b: ServerConfig): boolean {
  return connectionKey(a) === connectionKey(b);
}

function connectionKey(c: ServerConfig): string {
  return c.type === 'stdio'
    ? JSON.stringify([c.type, c.command, c.args, Object.entries(c.env).sort(), c.envFile ?? null, c.cwd ?? null])
    : JSON.stringify([c.type, c.url, Object.entries(c.headers).sort(), c.clientId ?? null, c.scopes ?? null, c.grant ?? null]);
}
