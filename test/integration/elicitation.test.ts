// Elicitation end to end through the real host stack: ServerManager and real
// connections to fixture servers of both eras, the ElicitationCoordinator as
// the handler, a RequestBroker, and a scripted person answering the cards.
// Asserts what the SERVER received for accept / decline / cancel / timeout.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import type { ClientContext } from '@modelcontextprotocol/client';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { ElicitationCoordinator, type UrlOpener } from '../../src/host/elicitation/coordinator';
import { HostClient } from '../../src/host/hostClient';
import { requiredElicitations } from '../../src/host/elicitation/urlRequired';
import { toProtocolError } from '../../src/host/errors';
import { SETTINGS } from '../../src/host/settings';
import { RequestBroker, type BrokerEntry } from '../../src/host/requests/broker';
import { systemClock, type ElicitationParams, type ServerRequestContext } from '../../src/host/types';
import type { ElicitationCard, UrlElicitationCard } from '../../src/shared/elicitationProtocol';
import { configs, createTestHost, FIXTURES, V1_STDIO, V2_STDIO, waitFor, type HostHarness } from '../support/hostHarness';

const ELICITATION_SERVER = path.join(FIXTURES, 'elicitation-server.mjs');

class RecordingOpener implements UrlOpener {
  readonly opened: string[] = [];
  async confirmAndOpen({ url }: Parameters<UrlOpener['confirmAndOpen']>[0]) {
    this.opened.push(url.url);
    return 'opened' as const;
  }
}

/** The host stack with a coordinator, a broker and a person who answers cards. */
function elicitingHost(entries: Record<string, unknown>) {
  const opener = new RecordingOpener();
  const h = createTestHost({ urlOpener: opener });
  const { broker } = h;
  const coordinator = h.host.elicitation;
  /** The review timeout, as the setting (in minutes) gives it. */
  const settings = {
    set timeoutMs(ms: number) {
      h.settings.set(SETTINGS.reviewTimeoutMinutes.key, ms / 60_000);
    },
  };
  h.manager.applyConfig(configs(entries), true);
  /** Resolves with the next card that appears. */
  const nextCard = () =>
    new Promise<BrokerEntry<'elicitation'>>((resolve) => {
      const sub = broker.onDidAdd((entry) => {
        sub.dispose();
        resolve(entry as BrokerEntry<'elicitation'>);
      });
    });
  /** Calls a tool, waits for its card and lets `person` act on it; returns the server's JSON answer. */
  const callAndAnswer = async (server: string, tool: string, args: Record<string, unknown>, person: (entry: BrokerEntry<'elicitation'>) => void | Promise<void>) => {
    const card = nextCard();
    const call = h.manager.callTool(server, tool, args);
    await person(await card);
    return serverSaw(await call);
  };
  return { h, broker, opener, settings, coordinator, nextCard, callAndAnswer };
}

function serverSaw(result: { content?: unknown }): Record<string, unknown> {
  const blocks = (result.content ?? []) as Array<{ type: string; text?: string }>;
  return JSON.parse(blocks.find((b) => b.type === 'text')?.text ?? 'null') as Record<string, unknown>;
}

async function running(h: HostHarness, name: string) {
  await waitFor(h.manager, () => h.manager.get(name)?.state.kind === 'running', 20_000, `${name} running`);
  return h.manager.get(name)!.connection!;
}

for (const [label, script, era] of [
  ['v1 SDK fixture (legacy era)', V1_STDIO, 'legacy'],
  ['v2 SDK fixture (modern era, input_required rounds)', V2_STDIO, 'modern'],
] as const) {
  describe(`elicitation with the ${label}`, () => {
    let t: ReturnType<typeof elicitingHost>;
    before(async () => {
      t = elicitingHost({ fx: { command: process.execPath, args: [script], env: { FIXTURE_NAME: `fx-${era}` } } });
      assert.equal((await running(t.h, 'fx')).era, era);
    });
    after(() => t.h.dispose());

    it('accept sends the values with the schema types; the card names server and tool call', async () => {
      const saw = await t.callAndAnswer('fx', 'elicit', { message: 'About you?' }, (entry) => {
        assert.equal(entry.server, 'fx');
        assert.equal(entry.origin.reportedName, `fx-${era}`);
        assert.equal(entry.origin.toolCall?.name, 'elicit');
        assert.ok(entry.card.mode === 'form' && entry.card.message === 'About you?');
        if (entry.card.mode === 'form') assert.deepEqual(entry.card.form.fields.map((f) => f.name), ['name', 'age', 'subscribe', 'color']);
        t.broker.dispatch(entry.id, { type: 'accept', values: { name: 'Ada', age: '36', subscribe: true, color: 'blue' } });
      });
      assert.deepEqual(saw, { action: 'accept', content: { name: 'Ada', age: 36, subscribe: true, color: 'blue' } });
    });

    it('defaults accepted untouched are sent; an invalid answer never reaches the server', async () => {
      const saw = await t.callAndAnswer('fx', 'elicit', {}, async (entry) => {
        t.broker.dispatch(entry.id, { type: 'accept', values: { name: 'Bo', age: '200', color: 'purple' } });
        const card = t.broker.pending().find((e) => e.id === entry.id)?.card as ElicitationCard;
        assert.ok(card.mode === 'form');
        assert.deepEqual(card.hostErrors, { age: 'Must be at most 150', color: 'Choose one of the listed options' });
        t.broker.dispatch(entry.id, { type: 'accept', values: { name: 'Bo', subscribe: false } });
      });
      assert.deepEqual(saw, { action: 'accept', content: { name: 'Bo', subscribe: false } });
    });

    it('decline is sent as decline, without content', async () => {
      const saw = await t.callAndAnswer('fx', 'elicit', {}, (entry) => void t.broker.dispatch(entry.id, { type: 'decline' }));
      assert.deepEqual(saw, { action: 'decline', content: null });
    });

    it('cancel (also what dismissing the card sends) is sent as cancel', async () => {
      const saw = await t.callAndAnswer('fx', 'elicit', {}, (entry) => void t.broker.dispatch(entry.id, { type: 'cancel' }));
      assert.deepEqual(saw, { action: 'cancel', content: null });
    });

    it('a review timeout answers cancel, not an error, and the tool call does not time out underneath', async () => {
      t.settings.timeoutMs = 400;
      try {
        const saw = await t.callAndAnswer('fx', 'elicit', {}, () => undefined);
        assert.deepEqual(saw, { action: 'cancel', content: null });
        const closed = t.broker.pending().find((e) => e.closed?.kind === 'timeout');
        assert.ok(closed, 'the card stays, marked as timed out');
        t.broker.dismiss(closed.id);
      } finally {
        t.settings.timeoutMs = 60_000;
      }
    });

    it('URL mode: Open (after consent) answers accept; the opener got the normalised URL', async () => {
      const saw = await t.callAndAnswer('fx', 'elicit_url', { url: 'https://Auth.Example.com/login?x=1', message: 'Sign in' }, (entry) => {
        const card = entry.card as UrlElicitationCard;
        assert.equal(card.mode, 'url');
        assert.equal(card.url.registrableDomain, 'example.com');
        t.broker.dispatch(entry.id, { type: 'openUrl' });
      });
      assert.deepEqual(saw, { action: 'accept' });
      assert.equal(t.opener.opened.at(-1), 'https://auth.example.com/login?x=1');
    });

    it('URL mode: decline', async () => {
      const saw = await t.callAndAnswer('fx', 'elicit_url', { url: 'http://insecure.example.com/' }, (entry) => {
        assert.deepEqual((entry.card as UrlElicitationCard).url.warnings.map((w) => w.code), ['insecure-http']);
        t.broker.dispatch(entry.id, { type: 'decline' });
      });
      assert.deepEqual(saw, { action: 'decline' });
    });

    it('a server that goes away while the card is open marks the card', async () => {
      const card = t.nextCard();
      const call = t.h.manager.callTool('fx', 'elicit', {}).catch((err: unknown) => err);
      const entry = await card;
      await t.h.manager.stop('fx');
      await call;
      await waitFor(t.h.manager, () => t.broker.pending().find((e) => e.id === entry.id)?.closed !== undefined, 5000, 'card closed').catch(() => undefined);
      assert.equal(t.broker.pending().find((e) => e.id === entry.id)?.closed?.kind, 'server-gone');
    });
  });
}

describe('elicitation edge cases (elicitation fixture, legacy era)', () => {
  let t: ReturnType<typeof elicitingHost>;
  before(async () => {
    t = elicitingHost({ edge: { command: process.execPath, args: [ELICITATION_SERVER] } });
    await running(t.h, 'edge');
  });
  after(() => t.h.dispose());

  it('an out-of-spec schema is answered with -32602 (by the SDK, before any handler)', async () => {
    const result = await t.h.manager.callTool('edge', 'ask', { message: 'x', schema: JSON.stringify({ type: 'object', properties: { a: { type: 'object', properties: {} } } }) });
    assert.equal((serverSaw(result).error as { code: number }).code, -32602);
  });

  it('markup in every server string arrives as plain text on the card and the answer goes back', async () => {
    const saw = await t.callAndAnswer('edge', 'hostile', {}, (entry) => {
      assert.ok(entry.card.mode === 'form');
      if (entry.card.mode !== 'form') return;
      assert.match(entry.card.message, /^Hello <script>/);
      const pick = entry.card.form.fields.find((f) => f.name === 'pick');
      assert.ok(pick?.kind === 'select' && pick.options[1]?.label.startsWith('<svg'));
      t.broker.dispatch(entry.id, { type: 'accept', values: { pick: 'b', note: '<script>window.__pwned=4</script>', many: ['p'] } });
    });
    assert.deepEqual(saw, { action: 'accept', content: { pick: 'b', note: '<script>window.__pwned=4</script>', many: ['p'] } });
  });

  it('fields asking for secrets are flagged', async () => {
    const saw = await t.callAndAnswer('edge', 'secrets', {}, (entry) => {
      assert.ok(entry.card.mode === 'form');
      if (entry.card.mode === 'form') assert.deepEqual(entry.card.sensitive.map((s) => [s.name, s.kind]), [['password', 'password'], ['apiKey', 'api-key']]);
      t.broker.dispatch(entry.id, { type: 'decline' });
    });
    assert.deepEqual(saw, { action: 'decline' });
  });

  it('notifications/elicitation/complete closes the matching open card', async () => {
    const card = t.nextCard();
    const call = t.h.manager.callTool('edge', 'ask_url', { message: 'Sign in', url: 'https://auth.example.com/', id: 'done-elsewhere' });
    const entry = await card;
    await t.h.manager.callTool('edge', 'complete_url', { id: 'done-elsewhere' });
    assert.deepEqual(serverSaw(await call), { action: 'cancel' });
    assert.equal(t.broker.history().find((x) => x.id === entry.id)?.outcome, 'completed');
  });

  it('-32042: the links are shown, opened, and the call is retried once the server reports them done', async () => {
    const err = await t.h.manager.callTool('edge', 'url_required', { id: 'tickets' }).then(() => assert.fail('expected -32042'), (e: unknown) => e);
    const list = requiredElicitations(err);
    assert.equal(list?.length, 1);
    const card = t.nextCard();
    const answers = t.coordinator.presentRequiredUrls('edge', list!, { toolCall: { name: 'url_required' } }, new AbortController().signal);
    const entry = await card;
    assert.equal((entry.card as UrlElicitationCard).requiredBy, 'url_required');
    t.broker.dispatch(entry.id, { type: 'openUrl' });
    assert.deepEqual(await answers, [{ elicitationId: 'tickets', result: { action: 'accept' } }]);
    assert.equal(t.opener.opened.at(-1), 'https://auth.example.com/authorize?id=tickets');
    const completed = t.coordinator.waitForCompletion('edge', ['tickets'], AbortSignal.timeout(10_000));
    await t.h.manager.callTool('edge', 'complete_url', { id: 'tickets' });
    await completed;
    const retried = await t.h.manager.callTool('edge', 'url_required', { id: 'tickets' });
    assert.equal((retried.content as Array<{ text: string }>)[0]?.text, 'authorized tickets');
  });
});

describe('HostClient: refused requests reach the host, which answers -32602 with a reason and shows a card', () => {
  const broker = new RequestBroker(systemClock);
  const coordinator = new ElicitationCoordinator({ broker, urlOpener: new RecordingOpener(), timeoutMs: () => 60_000 });
  let client: HostClient;
  const contextOf = (ctx: ClientContext): ServerRequestContext => ({ server: 'direct', era: 'legacy', requestId: ctx.mcpReq.id, toolCalls: [], signal: ctx.mcpReq.signal });
  const handle = async <T>(run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (err) {
      throw toProtocolError(err);
    }
  };

  before(async () => {
    client = new HostClient({ name: 'host-client-test', version: '0' }, { capabilities: { elicitation: { form: {}, url: {} } } });
    client.setRequestHandler('elicitation/create', (request, ctx) => handle(() => coordinator.elicit(request.params, contextOf(ctx))));
    client.onRefusedElicitation = (params, ctx) => handle(() => coordinator.elicit(params as ElicitationParams, contextOf(ctx)));
    await client.connect(new StdioClientTransport({ command: process.execPath, args: [ELICITATION_SERVER], env: getDefaultEnvironment(), stderr: 'ignore' }));
  });
  after(() => client.close());

  for (const [what, params] of [
    ['a nested object', { message: 'Address?', schema: JSON.stringify({ type: 'object', properties: { address: { type: 'object', properties: { street: { type: 'string' } } } } }) }],
    ['an unknown format', { message: 'Pass?', schema: JSON.stringify({ type: 'object', properties: { pass: { type: 'string', format: 'password' } } }) }],
  ] as const) {
    it(`${what}: readable reason for the server, refused card for the person`, async () => {
      const result = await client.callTool({ name: 'ask', arguments: params });
      const error = serverSaw(result as { content?: unknown }).error as { code: number; message: string };
      assert.equal(error.code, -32602);
      assert.match(error.message, /Elicitation refused: Property "(address|pass)"/);
      const card = broker.pending().at(-1)?.card as ElicitationCard;
      assert.equal(card.mode, 'refused');
      assert.equal(card.mode === 'refused' && card.message, params.message);
    });
  }

  it('valid requests still take the SDK path', async () => {
    const card = new Promise<BrokerEntry>((resolve) => {
      const sub = broker.onDidAdd((e) => {
        sub.dispose();
        resolve(e);
      });
    });
    const call = client.callTool({ name: 'ask', arguments: { message: 'Name?', schema: JSON.stringify({ type: 'object', properties: { n: { type: 'string' } } }) } });
    broker.dispatch((await card).id, { type: 'accept', values: { n: 'Ada' } });
    assert.deepEqual(serverSaw((await call) as { content?: unknown }), { action: 'accept', content: { n: 'Ada' } });
  });
});
