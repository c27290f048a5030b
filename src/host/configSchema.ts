import { z } from 'zod';
import { SAMPLING_POLICIES } from '../shared/samplingPolicy';

// The zod schemas of `mcpApprovalHost.servers` entries, apart from config.ts so that
// the core loads without evaluating zod until there is an entry to check (see
// lazyModules in scripts/build.mjs).

const SamplingPolicySchema = z.enum(SAMPLING_POLICIES);

const common = {
  disabled: z.boolean().optional(),
  autoStart: z.boolean().optional(),
  samplingPolicy: SamplingPolicySchema.optional(),
  allowedModels: z.array(z.string()).optional(),
  maxRequestsPerMinute: z.number().int().positive().optional(),
  maxTokens: z.number().int().positive().optional(),
  exposeToChat: z.boolean().optional(),
};

export const StdioEntrySchema = z.object({
  type: z.literal('stdio').optional(),
  command: z.string().min(1, 'must not be empty'),
  args: z.array(z.string()).optional(),
  env: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
  envFile: z.string().optional(),
  cwd: z.string().optional(),
  ...common,
});

export const RemoteEntrySchema = z.object({
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
  ...common,
});

/** One entry of `mcpApprovalHost.servers`, as written by the person. */
export const ServerEntrySchema = z.union([StdioEntrySchema, RemoteEntrySchema]);
