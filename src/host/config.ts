import type { $ZodError } from 'zod/v4/core';
import { entryErrors, entrySchemaFor, type ServerEntry } from './configSchema';
import { DEFAULT_SAMPLING_POLICY, type SamplingPolicy } from '../shared/samplingPolicy';
import { resolveVariables, VariableContext } from './variables';

export type { ServerEntry };

/** Per-server options shared by every transport. */
export interface ServerOptions {
  disabled: boolean;
  autoStart: boolean;
  samplingPolicy: SamplingPolicy;
  allowedModels?: string[];
  maxRequestsPerMinute?: number;
  maxTokens?: number;
  /** Offer this server's tools to VS Code chat through the gateway (default true; the global setting can turn all off). */
  exposeToChat: boolean;
}

/** A validated server configuration with variables resolved. */
export type ServerConfig =
  | ({ name: string; type: 'stdio'; command: string; args: string[]; env: Record<string, string>; envFile?: string; cwd?: string } & ServerOptions)
  | ({ name: string; type: 'http' | 'sse'; url: string; headers: Record<string, string>; clientId?: string; scopes?: string[]; grant?: RemoteGrant; enterpriseIdp?: EnterpriseIdpEntry } & ServerOptions);

/** The OAuth grant of a remote entry. */
export type RemoteGrant = 'authorization_code' | 'client_credentials' | 'enterprise';

/** The enterprise identity provider of a remote entry. */
export interface EnterpriseIdpEntry {
  issuer: string;
  clientId: string;
  scopes?: string[];
  tokenEndpoint?: string;
}

/** A problem with one entry, naming the server and the field. */
export interface ConfigIssue {
  server: string;
  field: string;
  message: string;
}

/** Where a server entry was defined; workspace entries need a trusted workspace and an approval. */
export type ConfigScope = 'user' | 'workspace';

/** A workspace folder, as the host core sees it. */
export interface FolderRef {
  name: string;
  path: string;
}

/** Where an entry comes from. */
export interface ServerOrigin {
  /** `workspace` covers the `.code-workspace` file and folder settings. */
  scope: ConfigScope;
  /**
   * The folder whose settings define the entry (folder settings in a
   * multi-root workspace, or the folder of a single-folder window):
   * `${workspaceFolder}` means this folder, and it is the default cwd.
   */
  folder?: FolderRef;
  /** The settings file the entry is in, for display; absent for user settings. */
  file?: string;
}

/** One settings value of `mcpApprovalHost.servers` and where it was read. */
export interface ConfigSource extends ServerOrigin {
  value: unknown;
}

/** A validated server with where it came from and the entry as written. */
export type ConfiguredServer = ServerConfig & {
  scope: ConfigScope;
  origin: ServerOrigin;
  /** The name as written in the settings; `name` differs when two folders define the same one. */
  definedName: string;
  /** The validated entry before variables were resolved: what an approval is about. */
  definition: ServerEntry;
  /** Values taken from the environment or sensitive headers: kept out of logs. */
  secrets: string[];
};

/** Two or more folders define servers of the same name; each got a qualified name. */
export interface NameConflict {
  name: string;
  /** The qualified names, in folder order, e.g. `db (api)`, `db (web)`. */
  qualified: string[];
}

export interface ParsedConfig {
  servers: ConfiguredServer[];
  issues: ConfigIssue[];
  conflicts: NameConflict[];
}

const MAX_NAME_LENGTH = 100;

/**
 * Validates the raw setting value(s), given from the least to the most
 * specific (user, workspace file, folders). A later source overrides an
 * earlier entry of the same name (workspace over user, folder over workspace,
 * as VS Code's settings do), except that two different folders never
 * override each other: both entries are kept and named `name (folder)`, and
 * the clash is listed in `conflicts`. `${workspaceFolder}` in a folder's
 * entries means that folder. Invalid entries are reported in `issues` and
 * left out; the others are returned resolved. Never throws.
 */
export function parseServersSetting(sources: ConfigSource[], ctx: VariableContext): ParsedConfig {
  const result: ParsedConfig = { servers: [], issues: [], conflicts: [] };
  const byName = new Map<string, ConfiguredServer[]>();
  for (const source of sources) {
    if (source.value === undefined || source.value === null) continue;
    if (typeof source.value !== 'object' || Array.isArray(source.value)) {
      result.issues.push({ server: '(all)', field: 'mcpApprovalHost.servers', message: `must be an object keyed by server name (${describeSource(source)})` });
      continue;
    }
    const origin: ServerOrigin = { scope: source.scope, folder: source.folder, file: source.file };
    const sourceCtx = source.folder ? { ...ctx, workspaceFolder: source.folder.path } : ctx;
    for (const [name, raw] of Object.entries(source.value as Record<string, unknown>)) {
      const parsed = parseEntry(name, raw, sourceCtx);
      if ('issue' in parsed) {
        result.issues.push(parsed.issue);
        continue;
      }
      const server: ConfiguredServer = { ...parsed.config, scope: source.scope, origin, definedName: name, definition: parsed.definition, secrets: parsed.secrets };
      const previous = byName.get(name) ?? [];
      // Folders are peers: keep both; anything else is overridden by the more specific source.
      const kept = source.folder ? previous.filter((p) => p.origin.folder !== undefined && p.origin.folder.path !== source.folder?.path) : [];
      byName.set(name, [...kept, server]);
    }
  }
  const taken = new Set([...byName.entries()].filter(([, list]) => list.length === 1).map(([name]) => name));
  for (const [name, list] of byName) {
    if (list.length > 1) result.conflicts.push({ name, qualified: list.map((s) => (s.name = uniqueName(`${name} (${s.origin.folder?.name ?? '?'})`, taken))) });
    result.servers.push(...list);
  }
  return result;
}

function describeSource(source: ConfigSource): string {
  if (source.scope === 'user') return 'user settings';
  return source.file ?? (source.folder ? `settings of folder ${source.folder.name}` : 'workspace settings');
}

function uniqueName(wanted: string, taken: Set<string>): string {
  let name = wanted;
  for (let i = 2; taken.has(name); i++) name = `${wanted} #${i}`;
  taken.add(name);
  return name;
}

/** Header and environment variable names whose values are credentials: never logged, never shown. */
export const SENSITIVE_NAME = /authorization|cookie|token|secret|key|password|credential|session/i;

/** Validates and resolves one entry. */
export function parseEntry(
  name: string,
  raw: unknown,
  ctx: VariableContext,
): { config: ServerConfig; definition: ServerEntry; secrets: string[] } | { issue: ConfigIssue } {
  if (name.trim() === '' || name.length > MAX_NAME_LENGTH) {
    return { issue: { server: name.slice(0, MAX_NAME_LENGTH), field: '(name)', message: `server names must be 1–${MAX_NAME_LENGTH} characters` } };
  }
  // Without zod's compiled fast path: an entry is checked once per settings change, and compiling
  // (new Function per object schema) costs more than the one parse it would speed up.
  const checked = entrySchemaFor(raw).safeParse(raw, { jitless: true, error: entryErrors });
  if (!checked.success) {
    return { issue: describeZodIssue(name, raw, checked.error) };
  }
  const entry = checked.data;
  const resolver = new FieldResolver(name, ctx);
  const options: ServerOptions = {
    disabled: entry.disabled ?? false,
    autoStart: entry.autoStart ?? true,
    samplingPolicy: entry.samplingPolicy ?? DEFAULT_SAMPLING_POLICY,
    allowedModels: entry.allowedModels,
    maxRequestsPerMinute: entry.maxRequestsPerMinute,
    maxTokens: entry.maxTokens,
    exposeToChat: entry.exposeToChat ?? true,
  };
  let config: ServerConfig;
  if ('command' in entry) {
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(entry.env ?? {})) {
      if (value === null) continue;
      env[key] = resolver.resolve(`env.${key}`, String(value));
      if (SENSITIVE_NAME.test(key)) resolver.secrets.add(env[key]);
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
    for (const [key, value] of Object.entries(entry.headers ?? {})) {
      headers[key] = resolver.resolve(`headers.${key}`, value);
      if (SENSITIVE_NAME.test(key)) resolver.secrets.add(headers[key]);
    }
    config = {
      name,
      type: entry.type,
      url,
      headers,
      ...(entry.clientId !== undefined && { clientId: entry.clientId }),
      ...(entry.scopes && { scopes: entry.scopes }),
      ...(entry.grant && { grant: entry.grant }),
      ...(entry.enterpriseIdp && { enterpriseIdp: entry.enterpriseIdp }),
      ...options,
    };
    const idp = entry.enterpriseIdp;
    if (idp?.tokenEndpoint !== undefined && new URL(idp.tokenEndpoint).origin !== new URL(idp.issuer).origin) {
      return { issue: { server: name, field: 'enterpriseIdp.tokenEndpoint', message: "must be on the issuer's origin (the ID token goes only to its identity provider)" } };
    }
    if (entry.grant === 'enterprise' && (entry.clientId === undefined || entry.enterpriseIdp === undefined)) {
      return { issue: { server: name, field: entry.clientId === undefined ? 'clientId' : 'enterpriseIdp', message: 'grant "enterprise" needs "enterpriseIdp" (issuer and clientId) and the "clientId" registered with the server\'s authorization server' } };
    }
    if (resolver.issue === undefined) {
      const urlIssue = checkServerUrl(url);
      if (urlIssue) return { issue: { server: name, field: 'url', message: urlIssue } };
    }
  }
  return resolver.issue ? { issue: resolver.issue } : { config, definition: entry, secrets: [...resolver.secrets].filter((v) => v !== '') };
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
  /** Every value taken from the environment. */
  readonly secrets = new Set<string>();
  constructor(
    private readonly server: string,
    private readonly ctx: VariableContext,
  ) {}

  resolve(field: string, value: string): string {
    const r = resolveVariables(value, this.ctx, (_name, resolved) => this.secrets.add(resolved));
    if (r.ok) return r.value;
    this.issue ??= { server: this.server, field, message: r.error };
    return value;
  }
}

function describeZodIssue(server: string, raw: unknown, error: $ZodError): ConfigIssue {
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
  // The issue from the branch that matches the declared type (entrySchemaFor parsed with it).
  const issue = error.issues[0];
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
    : JSON.stringify([c.type, c.url, Object.entries(c.headers).sort(), c.clientId ?? null, c.scopes ?? null, c.grant ?? null, c.enterpriseIdp ?? null]);
}
