import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { describe, it } from 'node:test';
import { ConnectionGoneError } from '../../src/host/errors';
import { RequestBroker, ReviewAbortedError } from '../../src/host/requests/broker';
import { originOf } from '../../src/host/requests/origin';
import type { Clock } from '../../src/host/types';
import type { ElicitationCard } from '../../src/shared/elicitationProtocol';
import type { SamplingCard } from '../../src/shared/samplingProtocol';
import { reviewCard } from './samplingFakes';

/** A clock whose timers run only when the test advances it. */
class FakeClock implements Clock {
  time = 1_000;
  private timers: Array<{ at: number; fn: () => void; live: boolean }> = [];
  now() {
    return this.time;
  }
  setTimeout(fn: () => void, ms: number) {
    const t = { at: this.time + ms, fn, live: true };
    this.timers.push(t);
    return { dispose: () => (t.live = false) };
  }
  advance(ms: number) {
    this.time += ms;
    for (const t of this.timers.filter((x) => x.live && x.at <= this.time)) {
      t.live = false;
      t.fn();
    }
  }
}

const origin = { reportedName: 'srv', toolCall: { name: 'tool' } };
const live = () => ({ signal: new AbortController().signal, timeoutMs: 0, origin });
const info = (reason = 'r'): ElicitationCard => ({ mode: 'refused', requestedMode: 'form', reason });
const sampling = (): SamplingCard => reviewCard();

describe('request broker', () => {
  it('never gives two sessions the same card id (the webview keeps drafts by id)', () => {
    const first = new RequestBroker(new FakeClock());
    const second = new RequestBroker(new FakeClock());
    const open = (broker: RequestBroker) => broker.open('sampling', 'one', sampling(), live()).id;
    const a = open(first);
    const b = open(second);
    assert.notEqual(a, b);
    assert.match(a, /^sampling-[0-9a-f]{12}-1$/);
    assert.ok(a.length <= 100, 'ids stay within what the webview protocol accepts');
  });

  it('keeps requests in arrival order and routes actions to their owner only', () => {
    const broker = new RequestBroker(new FakeClock());
    const a = broker.open('sampling', 'one', sampling(), live());
    const b = broker.open('elicitation', 'two', info(), live());
    const got: string[] = [];
    a.onAction((x) => got.push(`a:${x.type}`));
    b.onAction((x) => got.push(`b:${x.type}`));
    assert.deepEqual(broker.pending().map((e) => e.id), [a.id, b.id]);
    assert.equal(broker.dispatch(b.id, { type: 'decline' }), true);
    assert.equal(broker.dispatch('sampling-999', { type: 'reject' }), false);
    assert.equal(broker.dispatch(a.id, { type: 'decline' }), false, 'an elicitation action never reaches a sampling card');
    assert.deepEqual(got, ['b:decline']);
  });

  it('moves an answered request to history and reports it once', () => {
    const broker = new RequestBroker(new FakeClock());
    const finished: string[] = [];
    broker.onDidFinish(({ finished: f }) => finished.push(`${f.id}:${f.outcome}`));
    const h = broker.open('elicitation', 's', info(), live());
    h.finish('accepted', 'ok');
    h.finish('accepted', 'again');
    assert.equal(broker.pending().length, 0);
    assert.deepEqual(broker.history().map((e) => e.outcome), ['accepted']);
    assert.deepEqual(finished, [`${h.id}:accepted`]);
  });

  it('times a review out, keeps the card marked until dismissed, and ignores late actions', () => {
    const clock = new FakeClock();
    const broker = new RequestBroker(clock);
    const h = broker.open('sampling', 's', sampling(), { ...live(), timeoutMs: 60_000 });
    assert.equal(h.entry.deadline, clock.time + 60_000);
    clock.advance(60_000);
    assert.ok(h.signal.aborted);
    assert.ok(h.signal.reason instanceof ReviewAbortedError && h.signal.reason.kind === 'timeout');
    assert.equal(broker.pending()[0]?.closed?.kind, 'timeout');
    assert.equal(broker.openCount, 0);
    assert.equal(broker.dispatch(h.id, { type: 'reject' }), false);
    broker.dismiss(h.id);
    assert.equal(broker.pending().length, 0);
  });

  it('tells a server cancellation from a disconnect', async () => {
    const broker = new RequestBroker(new FakeClock());
    const cancel = new AbortController();
    const gone = new AbortController();
    const a = broker.open('sampling', 's', sampling(), { ...live(), signal: cancel.signal });
    const b = broker.open('sampling', 's', sampling(), { ...live(), signal: gone.signal });
    cancel.abort(new Error('cancelled'));
    gone.abort(new ConnectionGoneError());
    assert.equal((a.signal.reason as ReviewAbortedError).kind, 'cancelled-by-server');
    assert.equal((b.signal.reason as ReviewAbortedError).kind, 'server-gone');
    assert.deepEqual(broker.history().map((e) => e.outcome).sort(), ['cancelled-by-server', 'server-gone']);
  });

  it('handles a signal that was already aborted when the request arrived', async () => {
    const broker = new RequestBroker(new FakeClock());
    const h = broker.open('elicitation', 's', info(), { ...live(), signal: AbortSignal.abort(new ConnectionGoneError()) });
    await new Promise((r) => queueMicrotask(() => r(undefined)));
    assert.equal((h.signal.reason as ReviewAbortedError).kind, 'server-gone');
  });

  it('wait() settles once: the first answer wins, later actions and answers are ignored', async () => {
    const broker = new RequestBroker(new FakeClock());
    const h = broker.open('elicitation', 's', info(), live());
    const seen: string[] = [];
    const { done, settle } = h.wait<string>({
      onAction: (action, s) => {
        seen.push(action.type);
        s.resolve(action.type, 'declined', 'no');
      },
    });
    assert.equal(broker.dispatch(h.id, { type: 'decline' }), true);
    assert.equal(broker.dispatch(h.id, { type: 'cancel' }), false, 'the card left with the first answer');
    settle.reject(new Error('late'), 'error', 'late');
    assert.equal(await done, 'decline');
    assert.deepEqual(seen, ['decline']);
    assert.equal(settle.settled, true);
    assert.deepEqual(broker.history().map((e) => e.outcome), ['declined']);
  });

  it('wait() maps an abort through onAbort: a value resolves, a throw rejects, none rejects with the abort', async () => {
    const clock = new FakeClock();
    const broker = new RequestBroker(clock);
    const timed = broker.open('elicitation', 's', info(), { ...live(), timeoutMs: 5 });
    const byValue = timed.wait<string>({ onAction: () => undefined, onAbort: (reason) => `answered ${reason.kind}` });
    const server = new AbortController();
    const cancelled = broker.open('sampling', 's', sampling(), { ...live(), signal: server.signal });
    const byThrow = cancelled.wait<string>({
      onAction: () => undefined,
      onAbort: (reason) => {
        throw new Error(`mapped ${reason.kind}`);
      },
    });
    const gone = new AbortController();
    const plain = broker.open('sampling', 's', sampling(), { ...live(), signal: gone.signal }).wait<string>({ onAction: () => undefined });
    clock.advance(5);
    server.abort(new Error('cancel'));
    gone.abort(new ConnectionGoneError());
    assert.equal(await byValue.done, 'answered timeout');
    await assert.rejects(byThrow.done, /mapped cancelled-by-server/);
    await assert.rejects(plain.done, (err: unknown) => err instanceof ReviewAbortedError && err.kind === 'server-gone');
    assert.equal(broker.openCount, 0);
    assert.equal(broker.pending().length, 3, 'aborted cards stay (closed) until dismissed');
  });

  it('times every review out at its own deadline on one timer, which answering a review does not touch', () => {
    const clock = new FakeClock();
    let timers = 0;
    const setTimeout = clock.setTimeout.bind(clock);
    clock.setTimeout = (fn: () => void, ms: number) => {
      timers++;
      return setTimeout(fn, ms);
    };
    const broker = new RequestBroker(clock);
    const a = broker.open('sampling', 's', sampling(), { ...live(), timeoutMs: 100 });
    const b = broker.open('sampling', 's', sampling(), { ...live(), timeoutMs: 100 });
    b.finish('sent', 'answered');
    for (let i = 0; i < 5; i++) broker.open('sampling', 's', sampling(), { ...live(), timeoutMs: 100 }).finish('sent', 'answered');
    assert.equal(timers, 1, 'one timer for every review with the same timeout');
    clock.advance(10);
    // A shorter timeout set meanwhile: its review times out first.
    const c = broker.open('elicitation', 's', info(), { ...live(), timeoutMs: 20 });
    clock.advance(20);
    const closed = (h: { entry: { closed?: { kind: string } } }) => h.entry.closed?.kind;
    assert.deepEqual([closed(a), closed(c)], [undefined, 'timeout']);
    clock.advance(69);
    assert.equal(closed(a), undefined, 'not a millisecond early');
    clock.advance(1);
    assert.equal(closed(a), 'timeout');
    assert.deepEqual(broker.history().filter((h) => h.outcome === 'timeout').map((h) => h.id), [a.id, c.id]);
    assert.equal(broker.openCount, 0);
  });

  it('follows the request\'s signal and the connection\'s lifetime without a signal of its own, and leaves no listener on either', async () => {
    const broker = new RequestBroker(new FakeClock());
    const lifetime = new AbortController();
    const requests = [new AbortController(), new AbortController(), new AbortController()];
    const open = (i: number) => broker.open('sampling', 's', sampling(), { ...live(), signal: [requests[i].signal, lifetime.signal] });
    const answered = open(0);
    const cancelled = open(1);
    const gone = open(2);
    answered.finish('sent', 'answered');
    requests[1].abort(new Error('cancel'));
    lifetime.abort(new ConnectionGoneError());
    assert.deepEqual([cancelled.entry.closed?.kind, gone.entry.closed?.kind], ['cancelled-by-server', 'server-gone']);
    for (const signal of [lifetime.signal, ...requests.map((r) => r.signal)]) assert.equal(getEventListeners(signal, 'abort').length, 0);
    const late = broker.open('sampling', 's', sampling(), { ...live(), signal: [new AbortController().signal, lifetime.signal] });
    await Promise.resolve();
    assert.equal(late.entry.closed?.kind, 'server-gone', 'opened after the connection ended: closed at once');
  });

  it('builds a lazy card only when it is read, and sends patches only after that', () => {
    const broker = new RequestBroker(new FakeClock());
    let builds = 0;
    let attention = false;
    const h = broker.open('sampling', 's', { build: () => (builds++, sampling()), needsAttention: () => attention }, live());
    const patches: Array<string[] | undefined> = [];
    broker.onDidChangeEntry((c) => {
      if (c.type === 'updated') patches.push(c.patch && Object.keys(c.patch));
    });
    h.update();
    assert.equal(h.entry.needsAttention(), false);
    attention = true;
    assert.equal(h.entry.needsAttention(), true, 'asked of the owner, not of a card');
    assert.deepEqual([builds, h.watched], [0, false]);
    assert.equal(h.entry.card.phase, 'review');
    assert.equal(h.entry.card.phase, 'review');
    assert.deepEqual([builds, h.watched], [1, true], 'built once, when first read');
    h.update({ phase: 'running' });
    assert.equal(h.entry.card.phase, 'running');
    assert.deepEqual(patches, [undefined, ['phase']]);
  });

  it('reports each change as a delta: added, only the changed fields, streamed text, removed', () => {
    const broker = new RequestBroker(new FakeClock());
    const changes: string[] = [];
    broker.onDidChangeEntry((c) => {
      if (c.type === 'updated') changes.push(`updated:${Object.keys(c.patch ?? {}).join(',')}`);
      else if (c.type === 'streamed') changes.push(`streamed:${c.entry.kind === 'sampling' ? c.delta.append : ''}`);
      else changes.push(c.type);
    });
    const h = broker.open('sampling', 's', sampling(), live());
    h.update({ phase: 'running', completion: { runId: 1, text: { text: 'He', length: 2, truncated: false }, toolUses: [], streaming: true, modelId: 'm', modelLabel: 'M', outputTokens: 0 } });
    h.stream({ runId: 1, append: 'llo', length: 5 });
    h.stream({ runId: 2, append: 'other run', length: 99 });
    const entry = broker.pending()[0];
    assert.equal(entry.kind === 'sampling' ? entry.card.completion?.text.text : undefined, 'Hello', 'the stored card follows the stream');
    assert.equal(entry.kind === 'sampling' ? entry.card.phase : undefined, 'running');
    h.finish('sent', 'done');
    assert.deepEqual(changes, ['added', 'updated:phase,completion', 'streamed:llo', 'streamed:other run', 'history', 'removed']);
  });

  it('one Dismiss: removes a closed card, hands an open info card its dismiss action, ignores other open cards', () => {
    const broker = new RequestBroker(new FakeClock());
    const got: string[] = [];
    const info_ = broker.open('elicitation', 's', info(), live());
    const open = broker.open('sampling', 's', sampling(), live());
    info_.onAction((x) => got.push(x.type));
    open.onAction((x) => got.push(x.type));
    broker.dismiss(info_.id);
    broker.dismiss(open.id);
    assert.deepEqual(got, ['dismiss']);
    assert.equal(broker.pending().length, 2, 'the owner decides; a sampling card is not dismissed while open');
  });

  it('rejects every open request of one server, and only those', () => {
    const broker = new RequestBroker(new FakeClock());
    const got: string[] = [];
    const a = broker.open('sampling', 'noisy', sampling(), live());
    const b = broker.open('elicitation', 'noisy', info(), live());
    const c = broker.open('sampling', 'quiet', sampling(), live());
    a.onAction((x) => got.push(`a:${x.type}`));
    b.onAction((x) => got.push(`b:${x.type}`));
    c.onAction((x) => got.push(`c:${x.type}`));
    assert.equal(broker.rejectAll('noisy'), 2);
    assert.deepEqual(got, ['a:reject', 'b:decline']);
  });

  it('keeps a bounded history', () => {
    const broker = new RequestBroker(new FakeClock());
    for (let i = 0; i < 80; i++) broker.open('sampling', 's', sampling(), live()).finish('sent', String(i));
    assert.equal(broker.history().length, 50);
    assert.equal(broker.history()[0].summary, '79');
  });
});

import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AuditLog, auditEntryOf, RequestAudit } from '../../src/host/audit';

describe('one audit path', () => {
  it('records every request that leaves the broker, of both kinds, in the same shape', async () => {
    const file = path.join(await mkdtemp(path.join(tmpdir(), 'audit-')), 'audit.jsonl');
    const audit = new AuditLog(file, { flushDelayMs: 0 });
    const clock = new FakeClock();
    const broker = new RequestBroker(clock);
    new RequestAudit(audit, clock).follow(broker);
    const a = broker.open('elicitation', 'forms', info(), { ...live(), audit: { requestId: 41 } });
    clock.advance(1500);
    a.finish('declined', 'no thanks');
    broker.open('elicitation', 'forms', info(), { ...live(), timeoutMs: 10 });
    clock.advance(10);
    const details = { model: 'm1', edits: ['systemPrompt'], durationsMs: { review: 3, run: 4 }, tokenEstimate: { input: 1, output: 2 } };
    broker.open('sampling', 'model', sampling(), { ...live(), audit: { requestId: 'r-7', details: () => details } }).finish('sent', 'x');
    // An info card is no request: its refusal was recorded when it happened, not when the card goes.
    broker.open('elicitation', 'forms', info(), { ...live(), audit: false }).finish('refused', 'dismissed');
    const entries = await audit.readRecent(10);
    assert.deepEqual(
      entries.map((e) => [e.kind, e.server, e.requestId, e.outcome, e.tool]),
      [
        ['elicitation', 'forms', 41, 'declined', 'tool'],
        ['elicitation', 'forms', entries[1].requestId, 'timeout', 'tool'],
        ['sampling', 'model', 'r-7', 'sent', 'tool'],
      ],
    );
    assert.match(String(entries[1].requestId), /^elicitation-/, 'a request without a JSON-RPC id is named by its card');
    assert.equal(entries[0].durationsMs.review, 1500);
    assert.equal(entries[1].error, 'No answer within 0 s', 'an abort says why');
    assert.deepEqual([entries[2].model, entries[2].edits, entries[2].durationsMs, entries[2].tokenEstimate], [details.model, details.edits, details.durationsMs, details.tokenEstimate]);
  });

  it('maps the History outcomes of both kinds to audit outcomes in one table, and records refusals without a card', () => {
    const records: Array<{ outcome: string; error?: string; kind: string; requestId: string | number }> = [];
    const clock = new FakeClock();
    const broker = new RequestBroker(clock);
    const audit = new RequestAudit({ record: (e) => void records.push(auditEntryOf(e)) }, clock);
    audit.follow(broker);
    for (const outcome of ['paused', 'rejected', 'error', 'completed', 'accepted', 'something new']) broker.open('sampling', 's', sampling(), live()).finish(outcome, 'x');
    const cancelled = new AbortController();
    broker.open('elicitation', 's', info(), { ...live(), signal: cancelled.signal });
    cancelled.abort();
    audit.refused({ kind: 'sampling', server: 's', requestId: 9 }, 'denied', 'over budget');
    assert.deepEqual(
      records.map((r) => r.outcome),
      ['denied', 'rejected', 'error', 'cancelled', 'accepted', 'error', 'cancelled', 'denied'],
    );
    assert.equal(records[6].error, 'Cancelled by the server');
    assert.deepEqual(records[7], { ts: new Date(clock.now()).toISOString(), kind: 'sampling', server: 's', requestId: 9, outcome: 'denied', edits: [], durationsMs: {}, error: 'over budget' });
  });
});

describe('request origin', () => {
  it('names the newest tool call (a guess among several) and formats its arguments once, when read', () => {
    let reads = 0;
    const args = {
      get prompt() {
        reads++;
        return 'p';
      },
    };
    const ctx = {
      server: 's',
      serverInfo: { name: 'srv', version: '1', title: 'Server' },
      era: 'legacy' as const,
      requestId: 1,
      signal: new AbortController().signal,
      toolCalls: [
        { name: 'old', arguments: { a: 1 }, startedAt: 1 },
        { name: 'new', arguments: args, startedAt: 5 },
        { name: 'same time, later', arguments: undefined, startedAt: 5 },
      ],
    };
    const origin = originOf(ctx);
    assert.deepEqual([origin.reportedName, origin.toolCall?.name, origin.toolCall?.ambiguous], ['Server', 'new', true]);
    assert.equal(reads, 0, 'nothing formatted before anyone reads it');
    assert.equal(origin.toolCall?.arguments, '{\n  "prompt": "p"\n}');
    assert.equal(JSON.parse(JSON.stringify(origin)).toolCall.arguments, origin.toolCall?.arguments, 'serialised like a plain field');
    assert.equal(reads, 1, 'formatted once');
    assert.equal(originOf({ ...ctx, toolCalls: [{ name: 'bare', arguments: undefined, startedAt: 1 }] }).toolCall?.arguments, undefined);
  });
});
