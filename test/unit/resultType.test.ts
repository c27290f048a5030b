// A 2026-07-28 result without resultType is complete (SEP-2322). The SDK
// (client 2.4.0) rejects it; HostClient fills the default in before decoding.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InMemoryTransport, type JSONRPCMessage, type JSONRPCResponse } from '@modelcontextprotocol/client';
import { HostClient } from '../../src/host/hostClient';
import { withDefaultResultType } from '../../src/host/resultType';

describe('withDefaultResultType', () => {
  it('adds resultType complete to an object result without one', () => {
    const out = withDefaultResultType({ jsonrpc: '2.0', id: 1, result: { content: [] } } as JSONRPCResponse);
    assert.deepEqual(out, { jsonrpc: '2.0', id: 1, result: { content: [], resultType: 'complete' } });
  });

  it('leaves results that carry any resultType, and errors, untouched', () => {
    for (const msg of [
      { jsonrpc: '2.0', id: 1, result: { resultType: 'input_required', inputRequests: {} } },
      { jsonrpc: '2.0', id: 2, result: { resultType: 42 } },
      { jsonrpc: '2.0', id: 3, error: { code: -32601, message: 'nope' } },
    ] as JSONRPCResponse[]) {
      assert.equal(withDefaultResultType(msg), msg);
    }
  });
});

/** A scripted 2026-07-28 server on the other end of an in-memory pair. */
async function modernClient(toolResult: Record<string, unknown>): Promise<HostClient> {
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  serverSide.onmessage = (raw: JSONRPCMessage) => {
    const msg = raw as { id?: number | string; method?: string };
    if (msg.id === undefined || msg.method === undefined) return;
    const result =
      msg.method === 'server/discover'
        ? { resultType: 'complete', supportedVersions: ['2026-07-28'], capabilities: { tools: {} }, serverInfo: { name: 'scripted', version: '1' } }
        : msg.method === 'tools/call'
          ? toolResult
          : { resultType: 'complete', tools: [] };
    void serverSide.send({ jsonrpc: '2.0', id: msg.id, result } as JSONRPCMessage);
  };
  await serverSide.start();
  const client = new HostClient({ name: 't', version: '0' }, { capabilities: {}, versionNegotiation: { mode: 'auto' } });
  await client.connect(clientSide);
  assert.equal(client.getProtocolEra(), 'modern');
  return client;
}

describe('HostClient in the 2026-07-28 era', () => {
  it('accepts a tools/call result without resultType as complete', async () => {
    const client = await modernClient({ content: [{ type: 'text', text: 'done' }] });
    const result = await client.callTool({ name: 'x', arguments: {} });
    assert.deepEqual(result.content, [{ type: 'text', text: 'done' }]);
    await client.close();
  });

  it('still rejects a malformed resultType', async () => {
    const client = await modernClient({ resultType: 7, content: [] });
    await assert.rejects(client.callTool({ name: 'x', arguments: {} }), /resultType/);
    await client.close();
  });
});
