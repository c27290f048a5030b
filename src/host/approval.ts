import { createHash } from 'node:crypto';
import type { ConfiguredServer, EnterpriseIdpEntry, RemoteGrant, ServerEntry, ServerOrigin } from './config';
import { listVariables, type VariableRef } from './variables';
import type { SamplingPolicy } from '../shared/samplingPolicy';

/**
 * Approval of servers a workspace defines. A repository's settings can name
 * any command or URL and pull the person's environment variables into it, so
 * such a server starts only after the person approved that exact definition.
 * Everything here is pure: the extension keeps the approvals (per workspace)
 * and shows the summary.
 */

/** Whether servers from this origin must be approved before they first run. */
export function needsApproval(origin: ServerOrigin): boolean {
  // User settings are the person's own; anything stored in the workspace (the
  // .code-workspace file or a folder's .vscode/settings.json) came with it.
  return origin.scope === 'workspace';
}

/** JSON with object keys sorted at every level, so equal values give equal text. */
export function stableStringify(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : stableStringify(v))).join(',')}]`;
  const entries = Object.keys(value)
    .sort()
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .map((k) => `${JSON.stringify(k)}:${stableStringify((value as Record<string, unknown>)[k])}`);
  return `{${entries.join(',')}}`;
}

/**
 * The fields an approval covers: everything except `disabled` and `autoStart`,
 * which can only keep a server from running. A change to anything else (what
 * runs, where it connects, what it is sent, how its sampling is treated) asks
 * again.
 */
function approvedPart(entry: ServerEntry): Record<string, unknown> {
  const { disabled: _disabled, autoStart: _autoStart, ...rest } = entry;
  return rest;
}

/** What a hash is computed over: the name as written, where it is defined, and the unresolved entry. */
type HashInput = Pick<ConfiguredServer, 'definedName' | 'origin' | 'definition'>;

/**
 * SHA-256 of the unresolved definition (stable JSON). The folder is part of it
 * because `${workspaceFolder}` means that folder; resolved values (such as the
 * environment's) are not, so approving never depends on a secret.
 */
export function definitionHash(server: HashInput): string {
  const input = {
    v: 1,
    name: server.definedName,
    folder: server.origin.folder?.path ?? null,
    file: server.origin.file ?? null,
    entry: approvedPart(server.definition),
  };
  return createHash('sha256').update(stableStringify(input)).digest('hex');
}

/**
 * True when `next` is `previous` with exactly `patch` applied: an edit the
 * host made itself at the person's request (e.g. "Always allow" sampling),
 * which keeps an existing approval.
 */
export function isOwnEdit(previous: ServerEntry, patch: Partial<ServerEntry>, next: ServerEntry): boolean {
  return stableStringify(approvedPart({ ...previous, ...patch } as ServerEntry)) === stableStringify(approvedPart(next));
}

/** Where a server's approvals are kept (per workspace in the extension). */
export interface ApprovalStore {
  has(hash: string): boolean;
  add(hash: string): void;
  clear(): void;
}

/** An approval store that forgets everything when the host ends. */
export class MemoryApprovalStore implements ApprovalStore {
  private readonly hashes = new Set<string>();
  has(hash: string): boolean {
    return this.hashes.has(hash);
  }
  add(hash: string): void {
    this.hashes.add(hash);
  }
  clear(): void {
    this.hashes.clear();
  }
}

/** A `${env:…}` or `${input:…}` reference the definition pulls in; its value is never shown. */
export interface PulledVariable {
  text: string;
  kind: 'env' | 'input';
  /** `set` / `not set` for environment variables; inputs are not supported by this host. */
  status: 'set' | 'not set' | 'unsupported';
}

/** What a definition does, in unresolved form, for the approval and for tooltips. */
export interface DefinitionSummary {
  name: string;
  /** The settings file, or "user settings". */
  where: string;
  transport: 'stdio' | 'http' | 'sse';
  /** stdio: the command and its arguments as written, quoted where needed. */
  commandLine?: string;
  cwd?: string;
  /** stdio: the names (never the values) of the variables it sets. */
  envNames: string[];
  envFile?: string;
  /** http/sse: the URL as written. */
  url?: string;
  /** http/sse: header names (never the values). */
  headerNames: string[];
  /** http/sse: the OAuth settings of the entry, as written; absent when it sets none. */
  oauth?: OAuthSummary;
  variables: PulledVariable[];
  /** Set only when the entry chooses a sampling policy. */
  samplingPolicy?: SamplingPolicy;
}

/**
 * Where a person's sign-in to a remote server goes: the grant and the client
 * and, for enterprise-managed sign-in, the identity provider that receives
 * their credentials. Settings never hold a client secret (it is refused there).
 */
export interface OAuthSummary {
  grant?: RemoteGrant;
  clientId?: string;
  scopes?: string[];
  enterpriseIdp?: EnterpriseIdpEntry;
}

/** An argument as a person reads it: quoted when it has spaces, quotes or invisible characters. */
export function quoteArg(arg: string): string {
  return /^[\w@%+=:,./${}~-]+$/.test(arg) ? arg : JSON.stringify(arg);
}

/** Every string of an entry that variables can appear in. */
function entryStrings(entry: ServerEntry): string[] {
  if ('command' in entry) {
    return [entry.command, ...(entry.args ?? []), ...Object.values(entry.env ?? {}).map((v) => String(v ?? '')), entry.envFile ?? '', entry.cwd ?? ''];
  }
  return [entry.url, ...Object.values(entry.headers ?? {})];
}

/** The `${env:…}` and `${input:…}` references of an entry, once each, with whether each is set. */
export function pulledVariables(entry: ServerEntry, env: Readonly<Record<string, string | undefined>>): PulledVariable[] {
  const seen = new Map<string, PulledVariable>();
  const refs: VariableRef[] = entryStrings(entry).flatMap((s) => listVariables(s));
  for (const ref of refs) {
    if ((ref.kind !== 'env' && ref.kind !== 'input') || seen.has(ref.text)) continue;
    const status = ref.kind === 'input' ? 'unsupported' : env[ref.name ?? ''] !== undefined && env[ref.name ?? ''] !== '' ? 'set' : 'not set';
    seen.set(ref.text, { text: ref.text, kind: ref.kind, status });
  }
  return [...seen.values()];
}

/** Summarises a server's unresolved definition; nothing in it is a resolved value. */
export function summarizeDefinition(server: Pick<ConfiguredServer, 'definedName' | 'origin' | 'definition'>, env: Readonly<Record<string, string | undefined>>): DefinitionSummary {
  const entry = server.definition;
  const base = {
    name: server.definedName,
    where: server.origin.scope === 'user' ? 'user settings' : server.origin.file ?? 'workspace settings',
    variables: pulledVariables(entry, env),
    samplingPolicy: entry.samplingPolicy,
  };
  if ('command' in entry) {
    return {
      ...base,
      transport: 'stdio',
      commandLine: [entry.command, ...(entry.args ?? [])].map(quoteArg).join(' '),
      cwd: entry.cwd,
      envNames: Object.keys(entry.env ?? {}),
      envFile: entry.envFile,
      headerNames: [],
    };
  }
  const oauth: OAuthSummary = { grant: entry.grant, clientId: entry.clientId, scopes: entry.scopes, enterpriseIdp: entry.enterpriseIdp };
  const hasOAuth = Object.values(oauth).some((v) => v !== undefined);
  return { ...base, transport: entry.type, url: entry.url, headerNames: Object.keys(entry.headers ?? {}), envNames: [], ...(hasOAuth && { oauth }) };
}

const GRANT_TEXT: Record<RemoteGrant, string> = {
  authorization_code: 'authorization_code (you sign in in the browser)',
  client_credentials: 'client_credentials (no browser: the client secret from secret storage)',
  enterprise: "enterprise (you sign in at your organisation's identity provider below)",
};

/** The OAuth lines of an approval. Identifiers are quoted when they hold spaces or look unusual. */
function oauthLines(oauth: OAuthSummary): string[] {
  const lines = [`Sign-in grant: ${GRANT_TEXT[oauth.grant ?? 'authorization_code']}${oauth.grant ? '' : ' [default]'}`];
  if (oauth.clientId !== undefined) lines.push(`OAuth client ID: ${quoteArg(oauth.clientId)}`);
  if (oauth.scopes) lines.push(`OAuth scopes: ${oauth.scopes.map(quoteArg).join(', ')}`);
  const idp = oauth.enterpriseIdp;
  if (idp) {
    lines.push(`Identity provider (issuer): ${idp.issuer}`);
    lines.push(`Identity provider client ID: ${quoteArg(idp.clientId)}`);
    lines.push(`Identity provider scopes: ${idp.scopes ? idp.scopes.map(quoteArg).join(', ') : 'openid (default)'}`);
    lines.push(`Identity provider token endpoint: ${idp.tokenEndpoint ?? "(from the issuer's discovery document)"}`);
  }
  return lines;
}

const POLICY_TEXT: Record<SamplingPolicy, string> = {
  ask: 'ask (you review every model request)',
  approvePrompt: 'approvePrompt (model requests run at once; you review the answer)',
  auto: 'auto (model requests run and are answered WITHOUT review)',
  deny: 'deny',
};

/**
 * The lines an approval shows: where it is defined and what will run or be
 * contacted, with every variable named and no value shown.
 */
export function approvalLines(summary: DefinitionSummary, defaultCwd?: string): string[] {
  const lines = [`Defined in: ${summary.where}`];
  if (summary.transport === 'stdio') {
    lines.push(`Runs: ${summary.commandLine ?? ''}`);
    lines.push(`Working directory: ${summary.cwd ?? defaultCwd ?? '(not set)'}`);
    if (summary.envNames.length > 0) lines.push(`Sets environment variables: ${summary.envNames.join(', ')}`);
    if (summary.envFile) lines.push(`Loads environment file: ${summary.envFile}`);
  } else {
    lines.push(`Connects to (${summary.transport === 'sse' ? 'HTTP+SSE' : 'HTTP'}): ${summary.url ?? ''}`);
    if (summary.headerNames.length > 0) lines.push(`Sends headers: ${summary.headerNames.join(', ')}`);
    if (summary.oauth) lines.push(...oauthLines(summary.oauth));
  }
  if (summary.variables.length > 0) {
    const described = summary.variables.map((v) => `${v.text} (${v.status === 'set' ? 'set, value hidden' : v.status === 'not set' ? 'not set' : 'not supported'})`);
    lines.push(`Uses from your machine: ${described.join(', ')}`);
  }
  if (summary.samplingPolicy) lines.push(`Sampling policy: ${POLICY_TEXT[summary.samplingPolicy]}`);
  return lines;
}

/** The shortest secret that is redacted from text (shorter values would garble logs). */
export const MIN_REDACTED_LENGTH = 4;

/** Replaces every occurrence of a secret value in `text` with `••••`. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  // Longest first, so a secret that contains another is replaced whole.
  for (const secret of [...secrets].filter((s) => s.length >= MIN_REDACTED_LENGTH).sort((a, b) => b.length - a.length)) {
    out = out.split(secret).join('••••');
  }
  return out;
}
