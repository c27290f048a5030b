import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { auditEntryOf, RequestAudit, type AuditEntry } from '../../src/host/audit';
import { ElicitationCoordinator, type UrlOpener } from '../../src/host/elicitation/coordinator';
import { ConnectionGoneError, HostError } from '../../src/host/errors';
import { RequestBroker, ReviewAbortedError, type BrokerEntry } from '../../src/host/requests/broker';
import type { Clock, ElicitationParams, ServerRequestContext } from '../../src/host/types';
import type { UrlElicitationCard } from '../../src/shared/elicitationProtocol';
import { parseWebviewMessage } from '../../src/shared/protocol';

/** A clock whose timers fire only when the test advances it. */
class FakeClock implements Clock {
  private t = 1_000_000;
  private timers: Array<{ at: number; fn: () => void; live: boolean }> = [];
  now = () => this.t;
  setTimeout(fn: () => void, ms: number) {
    const timer = { at: this.t + ms, fn, live: true };
    this.timers.push(timer);
    return { dispose: () => void (timer.live = false) };
  }
  advance(ms: number): void {
    this.t += ms;
    for (const timer of this.timers.filter((x) => x.live && x.at <= this.t)) {
      timer.live = false;
      timer.fn();
    }
  }
}

class FakeOpener implements UrlOpener {
  calls: string[] = [];
  answer: 'opened' | 'dismissed' | Error = 'opened';
  async confirmAndOpen({ url }: Parameters<UrlOpener['confirmAndOpen']>[0]) {
    this.calls.push(url.url);
    if (this.answer instanceof Error) throw this.answer;
    return this.answer;
  }
}

const FORM_SCHEMA = {
  type: 'object',
  properties: {
    name: { type: 'string', title: 'Name', minLength: 1 },
    age: { type: 'integer', title: 'Age', minimum: 0, maximum: 150 },
    subscribe: { type: 'boolean', title: 'Subscribe', default: false },
    color: { type: 'string', enum: ['red', 'green', 'blue'] },
    tags: { type: 'array', items: { type: 'string', enum: ['a', 'b', 'c'] }, maxItems: 2 },
  },
  required: ['name'],
};

function setup(timeoutMs = 60_000) {
  const clock = new FakeClock();
  const broker = new RequestBroker(clock);
  const opener = new FakeOpener();
  const audits: AuditEntry[] = [];
  const audit = new RequestAudit({ record: (e) => void audits.push(auditEntryOf(e)) }, clock);
  audit.follow(broker);
  const coordinator = new ElicitationCoordinator({ broker, urlOpener: opener, timeoutMs: () => timeoutMs, audit });
  const server = new AbortController();
  const ctx: ServerRequestContext = {
    server: 'srv',
    serverInfo: { name: 'Server <b>', version: '1' },
    era: 'legacy',
    requestId: 7,
    toolCalls: [{ name: 'book', arguments: { x: 1 }, startedAt: 5 }],
    signal: server.signal,
  };
  const card = (): BrokerEntry<'elicitation'> => {
    const entries = broker.pending();
    assert.equal(entries.length, 1, 'exactly one card');
    return entries[0] as BrokerEntry<'elicitation'>;
  };
  // Actions enter as the webview sends them, through the one parser at the boundary.
  const send = (action: unknown): boolean => {
    const msg = parseWebviewMessage({ type: 'action', id: card().id, kind: 'elicitation', action });
    return msg?.type === 'action' && broker.dispatch(msg.id, msg.action);
  };
  const act = (action: unknown) => assert.equal(send(action), true);
  return { clock, broker, opener, coordinator, server, ctx, card, act, send, audits };
}

const form = (message = 'Tell us') => ({ message, requestedSchema: FORM_SCHEMA }) as ElicitationParams;
const url = (u: string, elicitationId = 'e1') => ({ mode: 'url', message: 'Sign in', elicitationId, url: u }) as ElicitationParams;
const tick = () => new Promise((r) => setImmediate(r));

describe('ElicitationCoordinator: form mode', () => {
  test('shows a card with the form, the origin and a deadline', async () => {
    const s = setup();
    void s.coordinator.elicit(form(), s.ctx).catch(() => undefined);
    const entry = s.card();
    assert.equal(entry.kind, 'elicitation');
    assert.equal(entry.server, 'srv');
    assert.equal(entry.origin.reportedName, 'Server <b>');
    assert.equal(entry.origin.toolCall?.name, 'book');
    assert.equal(entry.deadline, s.clock.now() + 60_000);
    assert.equal(entry.card.mode, 'form');
    if (entry.card.mode !== 'form') return;
    assert.deepEqual(entry.card.form.fields.map((f) => f.kind), ['text', 'number', 'boolean', 'select', 'multiselect']);
    assert.deepEqual(entry.card.sensitive, []);
  });

  test('accept returns the values coerced to the schema types', async () => {
    const s = setup();
    const result = s.coordinator.elicit(form(), s.ctx);
    s.act({ type: 'accept', values: { name: 'Ada', age: '36', subscribe: true, color: 'blue', tags: ['c', 'a'], extra: 'dropped' } });
    assert.deepEqual(await result, { action: 'accept', content: { name: 'Ada', age: 36, subscribe: true, color: 'blue', tags: ['a', 'c'] } });
    assert.equal(s.broker.pending().length, 0);
    assert.equal(s.broker.history()[0]?.outcome, 'accepted');
  });

  test('an invalid answer is refused by the host and the card shows why', async () => {
    const s = setup();
    let settled = false;
    const result = s.coordinator.elicit(form(), s.ctx).finally(() => (settled = true));
    s.act({ type: 'accept', values: { name: '', age: '3.5', tags: ['a', 'b', 'c'] } });
    await tick();
    assert.equal(settled, false, 'nothing was sent');
    const entry = s.card();
    assert.equal(entry.card.mode, 'form');
    if (entry.card.mode === 'form') assert.deepEqual(entry.card.hostErrors, { name: 'Required', age: 'Enter a whole number', tags: 'Select at most 2 options' });
    s.act({ type: 'accept', values: { name: 'Ada', age: 3 } });
    assert.deepEqual(await result, { action: 'accept', content: { name: 'Ada', age: 3 } });
  });

  test('decline and cancel are answered as such, without content', async () => {
    const s = setup();
    const declined = s.coordinator.elicit(form(), s.ctx);
    s.act({ type: 'decline' });
    assert.deepEqual(await declined, { action: 'decline' });
    const cancelled = s.coordinator.elicit(form(), s.ctx);
    s.act({ type: 'cancel' });
    assert.deepEqual(await cancelled, { action: 'cancel' });
    assert.deepEqual(s.broker.history().map((h) => h.outcome), ['cancelled', 'declined']);
  });

  test('malformed actions from the webview are ignored', async () => {
    const s = setup();
    let settled = false;
    void s.coordinator.elicit(form(), s.ctx).finally(() => (settled = true));
    assert.equal(s.send({ type: 'accept', values: { name: { nested: true } } }), false);
    assert.equal(s.send({ type: 'accept' }), false);
    s.act({ type: 'openUrl' });
    assert.equal(s.send('accept'), false);
    assert.equal(s.broker.dispatch(s.card().id, { type: 'reject' }), false, 'a sampling action never reaches an elicitation card');
    await tick();
    assert.equal(settled, false);
    const c = s.card().card;
    assert.equal(c.mode === 'form' ? c.hostErrors : 'not a form', undefined);
  });

  test('a timeout answers cancel and leaves a closed card', async () => {
    const s = setup(1000);
    const result = s.coordinator.elicit(form(), s.ctx);
    s.clock.advance(1000);
    assert.deepEqual(await result, { action: 'cancel' });
    assert.equal(s.card().closed?.kind, 'timeout');
    assert.equal(s.broker.dispatch(s.card().id, { type: 'accept', values: { name: 'late' } }), false, 'a closed card takes no actions');
  });

  test('timeout 0 means no deadline', async () => {
    const s = setup(0);
    void s.coordinator.elicit(form(), s.ctx).catch(() => undefined);
    assert.equal(s.card().deadline, undefined);
    s.clock.advance(24 * 3600_000);
    assert.equal(s.card().closed, undefined);
  });

  test('server cancellation closes the card with that reason', async () => {
    const s = setup();
    const result = s.coordinator.elicit(form(), s.ctx);
    s.server.abort(new Error('cancelled'));
    await assert.rejects(result, (err) => err instanceof ReviewAbortedError && err.kind === 'cancelled-by-server');
    assert.equal(s.card().closed?.kind, 'cancelled-by-server');
  });

  test('a server that goes away marks the card', async () => {
    const s = setup();
    const result = s.coordinator.elicit(form(), s.ctx);
    s.server.abort(new ConnectionGoneError());
    await assert.rejects(result, (err) => err instanceof ReviewAbortedError && err.kind === 'server-gone');
    assert.equal(s.card().closed?.kind, 'server-gone');
  });

  test('fields asking for secrets are flagged on the card', async () => {
    const s = setup();
    const params = { message: 'Login', requestedSchema: { type: 'object', properties: { apiKey: { type: 'string', title: 'API key' }, user: { type: 'string' } } } } as ElicitationParams;
    void s.coordinator.elicit(params, s.ctx).catch(() => undefined);
    const c = s.card().card;
    assert.ok(c.mode === 'form' && c.sensitive.length === 1 && c.sensitive[0]?.name === 'apiKey');
  });
});

describe('ElicitationCoordinator: audit', () => {
  test('an answered form is recorded once, under the server request id, with the tool and how long it waited', async () => {
    const s = setup();
    const result = s.coordinator.elicit(form(), s.ctx);
    s.clock.advance(2500);
    s.act({ type: 'decline' });
    assert.deepEqual(await result, { action: 'decline' });
    assert.deepEqual(
      s.audits.map((e) => [e.kind, e.server, e.requestId, e.tool, e.outcome, e.durationsMs.review]),
      [['elicitation', 'srv', 7, 'book', 'declined', 2500]],
    );
  });

  test('the record holds what was asked and the values sent on accept (the log writes them only with includeContent)', async () => {
    const s = setup();
    const accepted = s.coordinator.elicit(form('Who are you?'), s.ctx);
    s.act({ type: 'accept', values: { name: 'Ada', age: '36', extra: 'dropped' } });
    const sent = await accepted;
    assert.equal(sent.action, 'accept');
    const declined = s.coordinator.elicit(form('Again?'), s.ctx);
    s.act({ type: 'decline' });
    await declined;
    const link = s.coordinator.elicit(url('https://auth.example.com/start'), s.ctx);
    s.act({ type: 'cancel' });
    await link;
    assert.deepEqual(
      s.audits.map((e) => [e.outcome, e.content]),
      [
        ['accepted', { message: 'Who are you?', answer: sent.content }],
        ['declined', { message: 'Again?', answer: undefined }],
        ['cancelled', { message: 'Sign in' }],
      ],
    );
    assert.deepEqual(sent.content, { name: 'Ada', age: 36 }, 'the answer as validated and sent (coerced, unknown fields dropped), not as typed');
  });

  test('a refused request is recorded when it is refused, and dismissing its info card records nothing more', async () => {
    const s = setup();
    await assert.rejects(s.coordinator.elicit({ message: 'Hi', requestedSchema: { type: 'object', properties: { a: { type: 'null' } } } } as unknown as ElicitationParams, s.ctx), HostError);
    assert.deepEqual(
      s.audits.map((e) => [e.kind, e.requestId, e.tool, e.outcome]),
      [['elicitation', 7, 'book', 'refused']],
    );
    assert.match(s.audits[0].error ?? '', /unsupported type/);
    s.act({ type: 'dismiss' });
    assert.equal(s.audits.length, 1);
  });
});

describe('ElicitationCoordinator: refused requests', () => {
  for (const [what, schema, fragment] of [
    ['a nested object', { type: 'object', properties: { a: { type: 'object', properties: {} } } }, 'nested object'],
    ['an array of numbers', { type: 'object', properties: { a: { type: 'array', items: { type: 'number' } } } }, 'array items must be strings'],
    ['an unknown format', { type: 'object', properties: { a: { type: 'string', format: 'password' } } }, 'unsupported format'],
    ['an unknown type', { type: 'object', properties: { a: { type: 'null' } } }, 'unsupported type'],
  ] as const) {
    test(`${what} is answered with -32602 and a reason, and an info card`, async () => {
      const s = setup();
      await assert.rejects(s.coordinator.elicit({ message: 'Hi <script>', requestedSchema: schema } as unknown as ElicitationParams, s.ctx), (err) => {
        assert.ok(err instanceof HostError);
        assert.equal(err.code, -32602);
        assert.match(err.message, new RegExp(`Property "a".*${fragment}`));
        return true;
      });
      const c = s.card().card;
      assert.equal(c.mode, 'refused');
      if (c.mode === 'refused') {
        assert.equal(c.requestedMode, 'form');
        assert.equal(c.message, 'Hi <script>');
        assert.ok(c.reason.includes(fragment));
      }
      assert.equal(s.card().deadline, undefined, 'info cards do not time out');
      s.act({ type: 'dismiss' });
      assert.equal(s.broker.pending().length, 0);
      assert.equal(s.broker.history()[0]?.outcome, 'refused');
    });
  }

  test('unknown modes and missing messages are refused', async () => {
    const s = setup();
    await assert.rejects(s.coordinator.elicit({ mode: 'voice', message: 'x' } as unknown as ElicitationParams, s.ctx), /Unknown elicitation mode "voice"/);
    await assert.rejects(s.coordinator.elicit({ requestedSchema: FORM_SCHEMA } as unknown as ElicitationParams, s.ctx), /no message/);
  });

  test('at most five refusal cards stay on screen', async () => {
    const s = setup();
    const bad = { message: 'x', requestedSchema: { type: 'object', properties: { a: {} } } } as unknown as ElicitationParams;
    for (let i = 0; i < 8; i++) await assert.rejects(s.coordinator.elicit(bad, s.ctx), { name: 'HostError', code: -32602, message: /Property "a"/ });
    assert.equal(s.broker.pending().length, 5);
    assert.equal(s.broker.history().length, 3);
  });
});

describe('ElicitationCoordinator: URL mode', () => {
  test('Open asks the opener with the normalised URL; accept means the person agreed', async () => {
    const s = setup();
    const result = s.coordinator.elicit(url('HTTPS://Example.COM:443/a b'.replace(' ', '%20')), s.ctx);
    const c = s.card().card as UrlElicitationCard;
    assert.equal(c.mode, 'url');
    assert.equal(c.url.url, 'https://example.com/a%20b');
    assert.deepEqual(c.url.displayParts, { before: 'https://', domain: 'example.com', after: '/a%20b' });
    s.act({ type: 'openUrl' });
    assert.deepEqual(await result, { action: 'accept' });
    assert.deepEqual(s.opener.calls, ['https://example.com/a%20b']);
  });

  test('a dismissed consent keeps the card; Decline then answers decline', async () => {
    const s = setup();
    s.opener.answer = 'dismissed';
    const result = s.coordinator.elicit(url('https://auth.example.com/x'), s.ctx);
    s.act({ type: 'openUrl' });
    await tick();
    assert.equal(s.broker.pending().length, 1);
    assert.equal((s.card().card as UrlElicitationCard).status, undefined);
    s.act({ type: 'decline' });
    assert.deepEqual(await result, { action: 'decline' });
  });

  test('a failure to open is shown on the card', async () => {
    const s = setup();
    s.opener.answer = new Error('no browser');
    void s.coordinator.elicit(url('https://auth.example.com/x'), s.ctx).catch(() => undefined);
    s.act({ type: 'openUrl' });
    await tick();
    const status = (s.card().card as UrlElicitationCard).status;
    assert.equal(status?.kind, 'failed');
    assert.match(status?.kind === 'failed' ? status.message : '', /no browser/);
  });

  test('warnings come with http, punycode and IP hosts; localhost is fine over http', async () => {
    const s = setup();
    const codes = async (u: string) => {
      const p = s.coordinator.elicit(url(u, u), s.ctx);
      const entry = s.broker.pending().at(-1) as BrokerEntry<'elicitation'>;
      if (entry.card.mode !== 'url') throw new Error('not a URL card');
      const found = entry.card.url.warnings.map((w) => w.code);
      s.broker.dispatch(entry.id, { type: 'cancel' });
      await p;
      return found;
    };
    assert.deepEqual(await codes('http://example.com/'), ['insecure-http']);
    assert.ok((await codes('https://xn--pple-43d.com/')).includes('punycode'));
    assert.deepEqual(await codes('http://localhost:8080/cb'), []);
  });

  test('the 2026-07-28 era sends no elicitationId; the 2025 era must', async () => {
    const s = setup();
    const modern = s.coordinator.elicit({ mode: 'url', message: 'Sign in', url: 'https://a.example/' } as ElicitationParams, { ...s.ctx, era: 'modern' });
    const c = s.card().card;
    assert.ok(c.mode === 'url' && c.elicitationId === undefined);
    s.act({ type: 'cancel' });
    assert.deepEqual(await modern, { action: 'cancel' });
    await assert.rejects(s.coordinator.elicit({ mode: 'url', message: 'Sign in', url: 'https://a.example/' } as ElicitationParams, s.ctx), /needs an elicitationId/);
  });

  test('non-http(s) schemes are refused with -32602', async () => {
    const s = setup();
    await assert.rejects(s.coordinator.elicit(url('javascript:alert(1)'), s.ctx), (err) => err instanceof HostError && err.code === -32602 && /Only http and https/.test(err.message));
    const c = s.card().card;
    assert.ok(c.mode === 'refused' && c.requestedMode === 'url');
    await assert.rejects(s.coordinator.elicit(url('https://user:pw@bank.example/'), s.ctx), /user name or password/);
  });

  test('notifications/elicitation/complete closes the matching card with cancel', async () => {
    const s = setup();
    const result = s.coordinator.elicit(url('https://auth.example.com/x', 'abc'), s.ctx);
    s.coordinator.complete('other-server', 'abc');
    assert.equal(s.broker.pending().length, 1, 'another server cannot close it');
    s.coordinator.complete('srv', 'abc');
    assert.deepEqual(await result, { action: 'cancel' });
    assert.equal(s.broker.pending().length, 0);
    assert.equal(s.broker.history()[0]?.outcome, 'completed');
  });

  test('waitForCompletion resolves for completions before and after the wait', async () => {
    const s = setup();
    s.coordinator.complete('srv', 'a');
    const wait = s.coordinator.waitForCompletion('srv', ['a', 'b'], new AbortController().signal);
    let done = false;
    void wait.then(() => (done = true));
    await tick();
    assert.equal(done, false);
    s.coordinator.complete('srv', 'b');
    await wait;
    const aborted = new AbortController();
    const never = s.coordinator.waitForCompletion('srv', ['c'], aborted.signal);
    aborted.abort(new Error('stop'));
    await assert.rejects(never, /stop/);
  });

  test('presentRequiredUrls shows every valid link and refuses the rest', async () => {
    const s = setup();
    const origin = { toolCall: { name: 'read_tickets' } };
    const answers = s.coordinator.presentRequiredUrls('srv', [{ mode: 'url', message: 'Sign in', elicitationId: 'x1', url: 'https://auth.example.com/' }, { mode: 'url', message: 'Bad', elicitationId: 'x2', url: 'file:///etc/passwd' }], origin, new AbortController().signal);
    const [urlEntry, refused] = s.broker.pending() as BrokerEntry<'elicitation'>[];
    assert.ok(urlEntry?.card.mode === 'url' && urlEntry.card.requiredBy === 'read_tickets');
    assert.equal(refused?.card.mode, 'refused');
    s.broker.dispatch(urlEntry.id, { type: 'openUrl' });
    assert.deepEqual(await answers, [{ elicitationId: 'x1', result: { action: 'accept' } }, undefined]);
  });
});
