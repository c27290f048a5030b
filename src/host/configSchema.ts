import { z } from 'zod';
import { SAMPLING_POLICIES } from '../shared/samplingPolicy';

// The zod schemas of `mcpApprovalHost.servers` entries, apart from config.ts so that
// the core loads without evaluating zod until there is an entry to check (see
// lazyModules in scripts/build.mjs). Each is built on first use: a window whose
// servers all run over stdio never builds the remote one (first use pays for
// what it checks).

const commonFields = () => ({
  disabled: z.boolean().optional(),
  autoStart: z.boolean().optional(),
  samplingPolicy: z.enum(SAMPLING_POLICIES).optional(),
  allowedModels: z.array(z.string()).optional(),
  maxRequestsPerMinute: z.number().int().positive().optional(),
  maxTokens: z.number().int().positive().optional(),
  exposeToChat: z.boolean().optional(),
});
let common: ReturnType<typeof commonFields> | undefined;

const buildStdio = () =>
  z.object({
    type: z.literal('stdio').optional(),
    command: z.string().min(1, 'must not be empty'),
    args: z.array(z.string()).optional(),
    env: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
    envFile: z.string().optional(),
    cwd: z.string().optional(),
    ...(common ??= commonFields()),
  });

const buildRemote = () =>
  z.object({
    type: z.enum(['http', 'sse']),
    url: z.string().min(1, 'must not be empty'),
    headers: z.record(z.string(), z.string()).optional(),
    /** A client id pre-registered with the server's authorization server (else CIMD or dynamic registration). */
    clientId: z.string().min(1, 'must not be empty').optional(),
    /** Scopes to ask for when neither the server's challenge nor its metadata names any. */
    scopes: z.array(z.string().min(1, 'must not be empty')).optional(),
    /**
     * `client_credentials`: a machine-to-machine client (needs clientId and a client secret), no browser.
     * `enterprise`: enterprise-managed authorization (SEP-990) through `enterpriseIdp` (needs clientId).
     */
    grant: z.enum(['authorization_code', 'client_credentials', 'enterprise']).optional(),
    /** The organisation's OpenID Connect identity provider, for `grant: "enterprise"`. */
    enterpriseIdp: z
      .strictObject({
        issuer: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
        clientId: z.string().min(1, 'must not be empty'),
        scopes: z.array(z.string().min(1, 'must not be empty')).optional(),
        tokenEndpoint: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
      })
      .optional(),
    // A secret in settings would be plain text on disk and in settings sync.
    clientSecret: z.undefined({ error: 'must not be in settings: run "MCP Approval Host: Set Client Secret…" to keep it in secret storage' }).optional(),
    ...(common ??= commonFields()),
  });

let stdio: ReturnType<typeof buildStdio> | undefined;
let remote: ReturnType<typeof buildRemote> | undefined;
let union: ReturnType<typeof buildUnion> | undefined;
const buildUnion = () => z.union([stdioEntrySchema(), remoteEntrySchema()]);

/** A stdio entry (`command`; `type` absent or "stdio"). */
export function stdioEntrySchema(): ReturnType<typeof buildStdio> {
  return (stdio ??= buildStdio());
}

/** An http or sse entry (`type` and `url`). */
export function remoteEntrySchema(): ReturnType<typeof buildRemote> {
  return (remote ??= buildRemote());
}

/** One entry of `mcpApprovalHost.servers`, as written by the person: either of the two. */
export function serverEntrySchema(): ReturnType<typeof buildUnion> {
  return (union ??= buildUnion());
}

/** One entry of `mcpApprovalHost.servers`, as checked. */
export type ServerEntry = z.infer<ReturnType<typeof serverEntrySchema>>;

/**
 * The schema that checks an entry: the branch its `type` selects, or the
 * union of both for any other value. The same as parsing with the union: an
 * entry whose type is "http" or "sse" fails the stdio branch (its type is
 * the literal "stdio") and one without a type or with "stdio" fails the
 * remote branch (its type is required), so the union's answer is always the
 * selected branch's.
 */
export function entrySchemaFor(raw: unknown): z.ZodType<ServerEntry> {
  const type = raw !== null && typeof raw === 'object' ? (raw as { type?: unknown }).type : null;
  if (type === 'http' || type === 'sse') return remoteEntrySchema();
  if (type === undefined || type === 'stdio') return stdioEntrySchema();
  return serverEntrySchema();
}
