// Integration tests of the chat gateway: a real MCP client talks over real HTTP
// to the gateway, which relays to the real host stack (ServerManager →
// McpConnection → SamplingCoordinator → RequestBroker) and fixture servers of
// both eras over stdio. The gateway's client is a 2025-era client (as VS Code's
// is) or a 2026-07-28 one.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { SECRET_HEADER } from '../../src/host/gateway/access';
import { McpGateway } from '../../src/host/gateway/gateway';
import type { RequestBroker, BrokerEntry } from '../../src/host/requests/broker';
import type { SamplingAction, SamplingCard } from '../../src/shared/samplingProtocol';
import { configs, createTestHost, MemoryLog, V1_STDIO, V2_STDIO, waitFor, type HostHarness } from '../support/hostHarness';

interface Rig {
  h: HostHarness;
  broker: RequestBroker;
  gateway: McpGateway;
  gatewayLog: MemoryLog;
  cards: Array<BrokerEntry<'sampling'>>;
  person: (entry: BrokerEntry<'sampling'>, act: (a: SamplingAction) => void) => void;
}

function textOf(result: { content?: unknown }): string[] {
  return ((result.content ?? []) as Array<{ type: string; text?: string }>).filter((b) => b.type === 'text').map((b) => b.text ?? '');
}

function waitPhase(broker: RequestBroker, entry: BrokerEntry<'sampling'>, want: SamplingCard['phase']): Promise<void> {
  return new Promise((resolve) => {
    if (entry.card.phase === want) return resolve();
    const sub = broker.onDidChange(() => {
      if (entry.card.phase === want) {
        sub.dispose();
        resolve();
      }
    });
  });
}

async function createRig(): Promise<Rig> {
  // The host as createHost builds it; each server's policy is the default, ask.
  const h = createTestHost();
  const { broker } = h;
  h.manager.applyConfig(
    configs({
      legacy: { command: process.execPath, args: [V1_STDIO], env: { FIXTURE_NAME: 'Legacy Fixture!' } },
      modern: { command: process.execPath, args: [V2_STDIO], env: { FIXTURE_NAME: 'modern-fixture' } },
      hidden: { command: process.execPath, args: [V1_STDIO], exposeToChat: false },
    }),
    true,
  );
  const gatewayLog = new MemoryLog();
  const gateway = new McpGateway({ servers: h.manager, log: gatewayLog });
  await gateway.listen();
  const rig: Rig = { h, broker, gateway, gatewayLog, cards: [], person: () => undefined };
  broker.onDidAdd((e) => {
    const entry = e as BrokerEntry<'sampling'>;
    rig.cards.push(entry);
    queueMicrotask(() => rig.person(entry, (a) => broker.dispatch(entry.id, a)));
  });
  await waitFor(h.manager, () => ['legacy', 'modern', 'hidden'].every((n) => h.manager.get(n)?.state.kind === 'running'), 20_000, 'fixtures running');
  return rig;
}

/** A gateway client; it declares sampling and records any request that reaches it (none must). */
async function connect(rig: Rig, server: string, era: 'legacy' | 'auto'): Promise<{ client: Client; samplingAsked: string[] }> {
  const samplingAsked: string[] = [];
  const client = new Client({ name: 'gateway-test-client', version: '1.0.0' }, { capabilities: { sampling: {}, elicitation: { form: {} } }, versionNegotiation: { mode: era } });
  client.setRequestHandler('sampling/createMessage', async () => {
    samplingAsked.push('sampling');
    return { role: 'assistant', content: { type: 'text', text: 'the gateway client answered' }, model: 'wrong' };
  });
  const transport = new StreamableHTTPClientTransport(new URL(rig.gateway.urlFor(server)), { requestInit: { headers: { [SECRET_HEADER]: rig.gateway.secret } } });
  await client.connect(transport);
  return { client, samplingAsked };
}

describe('chat gateway', () => {
  let rig: Rig;
  before(async () => {
    rig = await createRig();
  });
  after(async () => {
    await rig.gateway.close();
    await rig.h.dispose();
  });

  it('offers exposed running servers as definitions with sanitised names and the secret header', () => {
    const defs = rig.gateway.definitions();
    assert.deepEqual(
      defs.map((d) => [d.server, d.gatewayName]),
      [
        ['legacy', 'legacy_fixtur'],
        ['modern', 'modern-fixtur'],
      ],
    );
    for (const d of defs) {
      assert.match(d.url, /^http:\/\/127\.0\.0\.1:\d+\/mcp\//);
      assert.equal(d.headers[SECRET_HEADER], rig.gateway.secret);
    }
  });

  it("gives a definition another version when the window's gateway has another port and secret", async () => {
    // A reloaded window starts a new gateway: VS Code must see its cached tools of the old one as outdated.
    const again = new McpGateway({ servers: rig.h.manager, log: new MemoryLog() });
    await again.listen();
    try {
      const before = rig.gateway.definitions();
      const after = again.definitions();
      assert.deepEqual(after.map((d) => d.server), before.map((d) => d.server));
      for (const [i, d] of after.entries()) {
        assert.notEqual(d.url, before[i].url);
        assert.notEqual(d.version, before[i].version);
      }
      assert.deepEqual(rig.gateway.definitions().map((d) => d.version), before.map((d) => d.version), 'stable within one gateway');
    } finally {
      await again.close();
    }
  });

  for (const server of ['legacy', 'modern'] as const) {
    for (const era of ['legacy', 'auto'] as const) {
      describe(`${server}-era server, ${era === 'legacy' ? '2025-era' : '2026-era'} gateway client`, () => {
        let client: Client;
        let samplingAsked: string[];
        before(async () => {
          ({ client, samplingAsked } = await connect(rig, server, era));
        });
        after(() => client.close());

        it('reports the sanitised real name, the version and the tools unchanged', async () => {
          assert.equal(client.getServerVersion()?.name, server === 'legacy' ? 'legacy_fixtur' : 'modern-fixtur');
          assert.equal(client.getProtocolEra(), era === 'legacy' ? 'legacy' : 'modern');
          const { tools } = await client.listTools();
          const real = rig.h.manager.get(server)!.connection!.tools;
          assert.deepEqual(
            tools.map((t) => [t.name, t.inputSchema, t.outputSchema, t.annotations]),
            real.map((t) => [t.name, t.inputSchema, t.outputSchema, t.annotations]),
          );
          assert.equal(client.getServerVersion()?.version, rig.h.manager.get(server)!.connection!.serverInfo?.version);
        });

        it('relays a call, its structured result and its progress', async () => {
          const sum = await client.callTool({ name: 'add', arguments: { a: 2, b: 3 } });
          assert.deepEqual(sum.structuredContent, { sum: 5 });
          const progress: number[] = [];
          const slow = await client.callTool({ name: 'slow', arguments: { ms: 200, steps: 3 } }, { onprogress: (p) => progress.push(p.progress) });
          assert.deepEqual(textOf(slow), ['slow: done after 200 ms in 3 steps']);
          assert.deepEqual(progress, [1, 2, 3]);
        });

        it('relays prompts and resources', async () => {
          const { prompts } = await client.listPrompts();
          assert.ok(prompts.some((p) => p.name === 'greet'));
          const got = await client.getPrompt({ name: 'greet', arguments: { name: 'Ada' } });
          assert.match(JSON.stringify(got.messages), /Ada/);
          const { resources } = await client.listResources();
          assert.ok(resources.length > 0);
          const read = await client.readResource({ uri: resources[0].uri });
          assert.ok(read.contents.length > 0);
          await client.listResourceTemplates();
        });

        it('answers sampling during a relayed call in the broker, marked as from chat, never at the gateway client', async () => {
          rig.person = (entry, act) => {
            act({ type: 'run', modelId: entry.card.modelId ?? '', edits: { messages: [] } });
            void waitPhase(rig.broker, entry, 'completed').then(() => act({ type: 'send' }));
          };
          const result = await client.callTool({ name: 'sample', arguments: { prompt: 'from chat' }, _meta: { 'vscode.conversationId': 'conv-42' } });
          assert.equal(textOf(result)[0], 'echo: from chat');
          const entry = rig.cards.at(-1)!;
          assert.equal(entry.server, server);
          assert.equal(entry.origin.toolCall?.name, 'sample');
          assert.deepEqual(entry.origin.toolCall?.via, { kind: 'chat', conversationId: 'conv-42' });
          assert.deepEqual(samplingAsked, []);
        });

        it('cancels the real call when the gateway client cancels: the card closes', async () => {
          rig.person = () => undefined;
          const controller = new AbortController();
          const added = new Promise<BrokerEntry>((resolve) => {
            const sub = rig.broker.onDidAdd((e) => {
              sub.dispose();
              resolve(e);
            });
          });
          const call = client.callTool({ name: 'sample', arguments: { prompt: 'cancel me' } }, { signal: controller.signal }).catch((err: Error) => err);
          const entry = await added;
          controller.abort(new Error('chat cancelled'));
          assert.ok((await call) instanceof Error);
          await new Promise<void>((resolve) => {
            const check = () => (entry.closed ? resolve() : setTimeout(check, 10));
            check();
          });
          assert.equal(entry.closed?.kind, 'cancelled-by-server');
          rig.broker.dismiss(entry.id);
        });
      });
    }
  }

  it('relays tools/list_changed to a 2025-era session', async () => {
    const { client } = await connect(rig, 'legacy', 'legacy');
    try {
      const changed = new Promise<void>((resolve) => client.setNotificationHandler('notifications/tools/list_changed', () => resolve()));
      await client.callTool({ name: 'add_tool', arguments: {} });
      await changed;
      await waitFor(rig.h.manager, () => rig.h.manager.get('legacy')!.connection!.tools.some((t) => t.name.startsWith('dynamic_')), 10_000, 'new tool');
      const { tools } = await client.listTools();
      assert.ok(tools.some((t) => t.name.startsWith('dynamic_')));
    } finally {
      await client.close();
    }
  });

  describe('refusals', () => {
    const init = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'x', version: '1' } } };
    const post = (url: string, headers: Record<string, string>) =>
      fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers }, body: JSON.stringify(init) });

    it('refuses a request without the secret with 401 and logs it without the secret', async () => {
      const res = await post(rig.gateway.urlFor('legacy'), {});
      assert.equal(res.status, 401);
      assert.equal(res.headers.get('access-control-allow-origin'), null);
      const wrong = await post(rig.gateway.urlFor('legacy'), { [SECRET_HEADER]: `${rig.gateway.secret}x` });
      assert.equal(wrong.status, 401);
      assert.ok(rig.gatewayLog.lines.some((l) => /refused POST \/mcp\/legacy with 401: no secret header/.test(l)));
      assert.ok(rig.gatewayLog.lines.some((l) => /401: wrong secret/.test(l)));
      assert.ok(!rig.gatewayLog.lines.some((l) => l.includes(rig.gateway.secret)));
    });

    it('refuses a foreign Host (DNS rebinding) even with the secret', async () => {
      const { request } = await import('node:http');
      const url = new URL(rig.gateway.urlFor('legacy'));
      const status = await new Promise<number>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port: url.port, path: url.pathname, method: 'POST', headers: { host: `evil.example:${url.port}`, 'content-type': 'application/json', [SECRET_HEADER]: rig.gateway.secret } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end(JSON.stringify(init));
      });
      assert.equal(status, 403);
      assert.ok(rig.gatewayLog.lines.some((l) => /foreign Host header/.test(l)));
    });

    it('refuses a foreign Origin even with the secret', async () => {
      const res = await post(rig.gateway.urlFor('legacy'), { origin: 'https://evil.example', [SECRET_HEADER]: rig.gateway.secret });
      assert.equal(res.status, 403);
      assert.equal(res.headers.get('access-control-allow-origin'), null);
    });

    it('does not serve a server that opted out of chat, nor an unknown one', async () => {
      assert.equal((await post(rig.gateway.urlFor('hidden'), { [SECRET_HEADER]: rig.gateway.secret })).status, 404);
      assert.equal((await post(rig.gateway.urlFor('nope'), { [SECRET_HEADER]: rig.gateway.secret })).status, 404);
    });
  });

  it("tolerates VS Code's client: a GET event stream and follow-ups without MCP-Protocol-Version", async () => {
    const url = rig.gateway.urlFor('legacy');
    const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', [SECRET_HEADER]: rig.gateway.secret };
    const res = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: { sampling: {} }, clientInfo: { name: 'Visual Studio Code', version: '1.139.1' } } }) });
    assert.equal(res.status, 200);
    const session = res.headers.get('mcp-session-id')!;
    await res.text();
    const follow = { ...headers, 'mcp-session-id': session };
    assert.equal((await fetch(url, { method: 'POST', headers: follow, body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }) })).status, 202);
    const controller = new AbortController();
    const stream = await fetch(url, { method: 'GET', headers: { accept: 'text/event-stream', [SECRET_HEADER]: rig.gateway.secret, 'mcp-session-id': session }, signal: controller.signal });
    assert.equal(stream.status, 200);
    controller.abort();
    const list = await fetch(url, { method: 'POST', headers: follow, body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }) });
    assert.equal(list.status, 200);
    assert.match(await list.text(), /"name":"echo"/);
  });

  it('the global switch hides every server from chat', async () => {
    let on = true;
    const gateway = new McpGateway({ servers: rig.h.manager, log: new MemoryLog(), enabled: () => on });
    await gateway.listen();
    try {
      let fired = 0;
      gateway.onDidChangeDefinitions(() => fired++);
      assert.equal(gateway.definitions().length, 2);
      on = false;
      gateway.refresh();
      assert.deepEqual(gateway.definitions(), []);
      assert.equal(fired, 1);
      const res = await fetch(gateway.urlFor('legacy'), { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', [SECRET_HEADER]: gateway.secret }, body: '{}' });
      assert.equal(res.status, 404);
    } finally {
      await gateway.close();
    }
  });

  it('drops a stopped server from the definitions, and a call to it starts it again', async () => {
    let fired = 0;
    const sub = rig.gateway.onDidChangeDefinitions(() => fired++);
    await rig.h.manager.stop('modern');
    assert.deepEqual(
      rig.gateway.definitions().map((d) => d.server),
      ['legacy'],
    );
    assert.ok(fired >= 1);
    const { client } = await connect(rig, 'modern', 'legacy');
    try {
      assert.equal(rig.h.manager.get('modern')?.state.kind, 'running');
      assert.deepEqual(textOf(await client.callTool({ name: 'echo', arguments: { text: 'back' } })), ['echo: back']);
      assert.deepEqual(
        rig.gateway.definitions().map((d) => d.server),
        ['legacy', 'modern'],
      );
    } finally {
      sub.dispose();
      await client.close();
    }
  });
});
