// Streamable HTTP → HTTP+SSE fallback against real fixture servers: the first attempt
// is closed completely before the second, and only a real HTTP 400/404/405 on the
// handshake triggers the fallback. The fixtures report what they saw (httpTraffic.mjs).
import assert from 'node:assert/strict';
import { get } from 'node:http';
import { describe, it } from 'node:test';
import { configs, createTestHost, startHttpFixture, givenUp, waitFor } from '../support/hostHarness';

interface RequestRecord {
  method: string;
  path: string;
  open: boolean;
}
interface SocketRecord {
  id: number;
  open: boolean;
  requests: RequestRecord[];
}

/** The fixture's record of every connection and request (over a connection of its own). */
function traffic(serverUrl: string): Promise<SocketRecord[]> {
  return new Promise((resolve, reject) => {
    get(new URL('/_traffic', serverUrl), { agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve(JSON.parse(body) as SocketRecord[]));
    }).on('error', reject);
  });
}

const requests = (sockets: SocketRecord[]) => sockets.flatMap((s) => s.requests);
const describeRequests = (list: RequestRecord[]) => list.map((r) => `${r.method} ${r.path}${r.open ? ' (open)' : ''}`).join(', ');

describe('Streamable HTTP → SSE fallback', () => {
  it('closes the refused Streamable HTTP attempt: only the SSE session has requests open', async () => {
    const server = await startHttpFixture('sse-server.mjs');
    const h = createTestHost();
    try {
      h.manager.applyConfig(configs({ old: { type: 'http', url: server.url } }), true);
      await waitFor(h.manager, () => h.manager.get('old')?.state.kind === 'running', 20_000, 'running');
      assert.equal(h.manager.get('old')?.connection?.transportKind, 'sse');
      const seen = requests(await traffic(server.url));
      // The first attempt happened (Streamable HTTP POSTs to the URL itself) …
      assert.ok(seen.some((r) => r.method === 'POST' && r.path === '/sse'), describeRequests(seen));
      // … and left nothing in flight: the one open request is the live session's event stream.
      assert.deepEqual(seen.filter((r) => r.open).map((r) => `${r.method} ${r.path}`), ['GET /sse'], describeRequests(seen));
      await h.manager.stop('old');
      const after = requests(await traffic(server.url));
      assert.deepEqual(after.filter((r) => r.open), [], describeRequests(after));
    } finally {
      await h.dispose();
      await server.stop();
    }
  });

  it('does not fall back when a JSON-RPC error merely says 404: the server’s error is reported', async () => {
    const server = await startHttpFixture('http-server.mjs', ['--fault', 'handshake-error-404']);
    const h = createTestHost();
    try {
      h.manager.applyConfig(configs({ tenant: { type: 'http', url: server.url } }), true);
      const why = await givenUp(h, 'tenant');
      assert.match(why, /Tenant 404: no such workspace/);
      assert.ok(!h.logs.get('tenant')?.lines.some((l) => l.includes('falling back to HTTP+SSE')), h.logs.get('tenant')?.lines.join('\n'));
      const seen = requests(await traffic(server.url));
      // An SSE attempt would have opened an event stream with a GET.
      assert.deepEqual(seen.filter((r) => r.method !== 'POST'), [], describeRequests(seen));
    } finally {
      await h.dispose();
      await server.stop();
    }
  });

  for (const sdk of ['v1', 'v2'] as const) {
    it(`does not fall back after a completed handshake: HTTP 404 on tools/list closes the connection (${sdk} SDK)`, async () => {
      const server = await startHttpFixture('http-server.mjs', ['--sdk', sdk, '--fault', 'tools-list-http-404']);
      const h = createTestHost();
      try {
        h.manager.applyConfig(configs({ lost: { type: 'http', url: server.url } }), true);
        const why = await givenUp(h, 'lost');
        assert.match(why, /listing tools failed: .*Session not found/);
        assert.ok(!h.logs.get('lost')?.lines.some((l) => l.includes('falling back to HTTP+SSE')));
        const seen = requests(await traffic(server.url));
        assert.deepEqual(seen.filter((r) => r.open), [], `left open: ${describeRequests(seen)}`);
      } finally {
        await h.dispose();
        await server.stop();
      }
    });
  }
});
