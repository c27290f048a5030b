import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';
import { SAMPLING_POLICIES } from '../shared/samplingPolicy';

// The zod schemas of `mcpApprovalHost.servers` entries, apart from config.ts so that
// the core loads without evaluating zod until there is an entry to check (see
// lazyModules in scripts/build.mjs). Each is built on first use: a window whose
// servers all run over stdio never builds the remote one (first use pays for
// what it checks). They are zod/mini schemas, in core.js: the same rules and
// messages as zod's classic API (a unit test compares them entry by entry), for
// a fraction of the cost of loading dist/zod.js (zod's classic API, which the
// SDKs need) and building classic schemas on first use.

const nonEmpty = () => z.string().check(z.minLength(1, 'must not be empty'));
// zod's classic `z.number().int().positive()`.
const positiveInt = () => z.number().check(z.int(), z.positive());

const commonFields = () => ({
  disabled: z.optional(z.boolean()),
  autoStart: z.optional(z.boolean()),
  samplingPolicy: z.optional(z.enum(SAMPLING_POLICIES)),
  allowedModels: z.optional(z.array(z.string())),
  maxRequestsPerMinute: z.optional(positiveInt()),
  maxTokens: z.optional(positiveInt()),
  exposeToChat: z.optional(z.boolean()),
});
let common: ReturnType<typeof commonFields> | undefined;

const buildStdio = () =>
  z.object({
    type: z.optional(z.literal('stdio')),
    command: nonEmpty(),
    args: z.optional(z.array(z.string())),
    env: z.optional(z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]))),
    envFile: z.optional(z.string()),
    cwd: z.optional(z.string()),
    ...(common ??= commonFields()),
  });

const buildRemote = () =>
  z.object({
    type: z.enum(['http', 'sse']),
    url: nonEmpty(),
    headers: z.optional(z.record(z.string(), z.string())),
    /** A client id pre-registered with the server's authorization server (else CIMD or dynamic registration). */
    clientId: z.optional(nonEmpty()),
    /** Scopes to ask for when neither the server's challenge nor its metadata names any. */
    scopes: z.optional(z.array(nonEmpty())),
    /**
     * `client_credentials`: a machine-to-machine client (needs clientId and a client secret), no browser.
     * `enterprise`: enterprise-managed authorization (SEP-990) through `enterpriseIdp` (needs clientId).
     */
    grant: z.optional(z.enum(['authorization_code', 'client_credentials', 'enterprise'])),
    /** The organisation's OpenID Connect identity provider, for `grant: "enterprise"`. */
    enterpriseIdp: z.optional(
      z.strictObject({
        issuer: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
        clientId: nonEmpty(),
        scopes: z.optional(z.array(nonEmpty())),
        tokenEndpoint: z.optional(z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' })),
      }),
    ),
    // A secret in settings would be plain text on disk and in settings sync.
    clientSecret: z.optional(z.undefined({ error: 'must not be in settings: run "MCP Approval Host: Set Client Secret…" to keep it in secret storage' })),
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
export function entrySchemaFor(raw: unknown): z.ZodMiniType<ServerEntry> {
  const type = raw !== null && typeof raw === 'object' ? (raw as { type?: unknown }).type : null;
  if (type === 'http' || type === 'sse') return remoteEntrySchema();
  if (type === undefined || type === 'stdio') return stdioEntrySchema();
  return serverEntrySchema();
}

/**
 * zod's English messages for the issues whose schema names none, passed to
 * each parse: zod/mini sets no locale (and the classic API's default, set on
 * first use, would be global state shared with the SDKs' zod).
 */
export const entryErrors = en().localeError;
