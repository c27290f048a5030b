// configSchema: the schema entrySchemaFor picks by `type` decides every entry as the union of both branches does.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { entrySchemaFor, remoteEntrySchema, serverEntrySchema, stdioEntrySchema } from '../../src/host/configSchema';

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
];

describe('entrySchemaFor', () => {
  it('accepts and rejects exactly what the union of the stdio and remote schemas does, with the same result', () => {
    for (const raw of entries) {
      const picked = entrySchemaFor(raw).safeParse(raw);
      const union = serverEntrySchema().safeParse(raw);
      assert.equal(picked.success, union.success, JSON.stringify(raw));
      if (picked.success && union.success) assert.deepEqual(picked.data, union.data, JSON.stringify(raw));
    }
    assert.deepEqual(
      entries.map((raw) => entrySchemaFor(raw).safeParse(raw).success),
      [true, true, false, false, false, false, false, true, true, false, false, false, false, false, false, false, false, false, false, false, false],
    );
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
