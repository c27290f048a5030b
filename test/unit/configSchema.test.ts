// configSchema: the schema entrySchemaFor picks by `type` decides every entry as the union of both branches does,
// and the zod/mini schemas accept, reject and word their issues as the classic zod schemas they replace.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { entryErrors, entrySchemaFor, remoteEntrySchema, serverEntrySchema, stdioEntrySchema } from '../../src/host/configSchema';
import { SAMPLING_POLICIES } from '../../src/shared/samplingPolicy';

// The entry schemas as they were written with zod's classic API (the reference).
const common = {
  disabled: z.boolean().optional(),
  autoStart: z.boolean().optional(),
  samplingPolicy: z.enum(SAMPLING_POLICIES).optional(),
  allowedModels: z.array(z.string()).optional(),
  maxRequestsPerMinute: z.number().int().positive().optional(),
  maxTokens: z.number().int().positive().optional(),
  exposeToChat: z.boolean().optional(),
};
const classicStdio = z.object({
  type: z.literal('stdio').optional(),
  command: z.string().min(1, 'must not be empty'),
  args: z.array(z.string()).optional(),
  env: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
  envFile: z.string().optional(),
  cwd: z.string().optional(),
  ...common,
});
const classicRemote = z.object({
  type: z.enum(['http', 'sse']),
  url: z.string().min(1, 'must not be empty'),
  headers: z.record(z.string(), z.string()).optional(),
  clientId: z.string().min(1, 'must not be empty').optional(),
  scopes: z.array(z.string().min(1, 'must not be empty')).optional(),
  grant: z.enum(['authorization_code', 'client_credentials', 'enterprise']).optional(),
  enterpriseIdp: z
    .strictObject({
      issuer: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
      clientId: z.string().min(1, 'must not be empty'),
      scopes: z.array(z.string().min(1, 'must not be empty')).optional(),
      tokenEndpoint: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
    })
    .optional(),
  clientSecret: z.undefined({ error: 'must not be in settings: run "MCP Approval Host: Set Client Secret…" to keep it in secret storage' }).optional(),
  ...common,
});
const classicUnion = z.union([classicStdio, classicRemote]);

const entries: unknown[] = [
  { command: 'node', args: ['server.js'], env: { A: '1', B: 2, C: true, D: null }, autoStart: false, samplingPolicy: 'auto', extra: 'stripped' },
  { type: 'stdio', command: 'node' },
  { type: 'stdio', command: '' },
  { type: 'stdio', url: 'https://example.com/mcp' },
  { command: 'node', maxTokens: -1 },
  { command: 'node', samplingPolicy: 'sometimes' },
  { url: 'https://example.com/mcp' },
  { type: 'http', url: 'https://example.com/mcp', headers: { Authorization: 'Bearer x' }, scopes: ['a'], grant: 'enterprise', clientId: 'c', enterpriseIdp: { issuer: 'https://idp.example.com', clientId: 'i' } },
  { type: 'sse', url: 'http://localhost:3000/sse', maxRequestsPerMinute: 10 },
  { type: 'http', command: 'node' },
  { type: 'http', url: 'https://example.com/mcp', clientSecret: 'secret' },
  { type: 'http', url: 'https://example.com/mcp', enterpriseIdp: { issuer: 'ftp://idp.example.com', clientId: 'i' } },
  { type: 'http', url: 'https://example.com/mcp', enterpriseIdp: { issuer: 'https://idp.example.com', clientId: 'i', unknown: 1 } },
  { type: 'websocket', url: 'wss://example.com' },
  { type: 3, command: 'node' },
  { type: null, command: 'node' },
  'node server.js',
  null,
  undefined,
  ['node'],
  42,
  // One wrong field at a time.
  ...[1.5, 0, -1, '5', Number.NaN, Number.POSITIVE_INFINITY, 2 ** 60, null].flatMap((n) => [
    { command: 'node', maxTokens: n },
    { type: 'http', url: 'https://example.com', maxRequestsPerMinute: n },
  ]),
  ...['x', 5, null].map((p) => ({ command: 'node', samplingPolicy: p })),
  { command: 5 },
  { command: 'node', args: 'a b' },
  { command: 'node', args: ['a', 1] },
  { command: 'node', env: { A: {} } },
  { command: 'node', env: 'A=1' },
  { command: 'node', cwd: 3, envFile: false },
  { command: 'node', disabled: 'yes', autoStart: 1, exposeToChat: 'no', allowedModels: 'gpt' },
  { command: 'node', allowedModels: ['a', 2] },
  { type: 'sse', url: '' },
  { type: 'http', url: 5 },
  { type: 'http', url: 'https://example.com', headers: { a: 1 } },
  { type: 'http', url: 'https://example.com', clientId: '' },
  { type: 'http', url: 'https://example.com', scopes: [''] },
  { type: 'http', url: 'https://example.com', scopes: 'a' },
  { type: 'http', url: 'https://example.com', grant: 'password' },
  { type: 'http', url: 'https://example.com', clientSecret: undefined },
  ...[
    { issuer: 'not a url', clientId: 'i' },
    { issuer: 'https://idp.example.com' },
    { issuer: 'https://idp.example.com', clientId: '' },
    { issuer: 'https://idp.example.com', clientId: 'i', scopes: ['a', ''] },
    { issuer: 'https://idp.example.com', clientId: 'i', tokenEndpoint: 'mailto:x@example.com' },
    { issuer: 'https://idp.example.com', clientId: 'i', tokenEndpoint: 'https://idp.example.com/token' },
    'https://idp.example.com',
  ].map((enterpriseIdp) => ({ type: 'http', url: 'https://example.com', enterpriseIdp })),
];
const issues = (result: { success: boolean; error?: { issues: readonly { path: PropertyKey[]; message: string; code: string }[] } }) =>
  result.error?.issues.map(({ path, message, code }) => ({ path, message, code }));

describe('entrySchemaFor', () => {
  it('accepts and rejects exactly what the union of the stdio and remote schemas does, with the same result', () => {
    for (const raw of entries) {
      const picked = entrySchemaFor(raw).safeParse(raw);
      const union = serverEntrySchema().safeParse(raw);
      assert.equal(picked.success, union.success, JSON.stringify(raw));
      if (picked.success && union.success) assert.deepEqual(picked.data, union.data, JSON.stringify(raw));
    }
    assert.deepEqual(
      entries.slice(0, 21).map((raw) => entrySchemaFor(raw).safeParse(raw).success),
      [true, true, false, false, false, false, false, true, true, false, false, false, false, false, false, false, false, false, false, false, false],
    );
  });

  it('accepts, rejects and words its issues as the classic zod schemas with the same rules', () => {
    for (const raw of entries) {
      const type = raw !== null && typeof raw === 'object' ? (raw as { type?: unknown }).type : null;
      const classic = type === 'http' || type === 'sse' ? classicRemote : type === undefined || type === 'stdio' ? classicStdio : classicUnion;
      const ours = entrySchemaFor(raw).safeParse(raw, { jitless: true, error: entryErrors });
      const theirs = classic.safeParse(raw);
      assert.equal(ours.success, theirs.success, JSON.stringify(raw));
      if (ours.success && theirs.success) assert.deepEqual(ours.data, theirs.data, JSON.stringify(raw));
      assert.deepEqual(issues(ours), issues(theirs), JSON.stringify(raw));
    }
    // The corpus reaches the messages zod words itself, not only ours.
    const messages = entries.flatMap((raw) => issues(entrySchemaFor(raw).safeParse(raw, { error: entryErrors })) ?? []).map((i) => i.message);
    for (const m of ['Invalid input: expected int, received number', 'Too small: expected number to be >0', 'Invalid option: expected one of "ask"|"approvePrompt"|"auto"|"deny"', 'must be an http(s) URL', 'must not be empty']) assert.ok(messages.includes(m), m);
  });

  it('picks the branch the type names, and the union for any other value', () => {
    assert.equal(entrySchemaFor({ command: 'node' }), stdioEntrySchema());
    assert.equal(entrySchemaFor({ type: 'stdio' }), stdioEntrySchema());
    assert.equal(entrySchemaFor({ type: 'http' }), remoteEntrySchema());
    assert.equal(entrySchemaFor({ type: 'sse' }), remoteEntrySchema());
    for (const raw of [{ type: 'ws' }, { type: null }, null, 'x', 1]) assert.equal(entrySchemaFor(raw), serverEntrySchema(), JSON.stringify(raw));
    // Built once.
    assert.equal(stdioEntrySchema(), stdioEntrySchema());
  });
});
