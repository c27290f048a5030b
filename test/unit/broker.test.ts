import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConnectionGoneError } from '../../src/host/errors';
import { RequestBroker, ReviewAbortedError } from '../../src/host/requests/broker';
import type { Clock } from '../../src/host/types';

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

describe('request broker', () => {
  it('never gives two sessions the same card id (the webview keeps drafts by id)', () => {
    const first = new RequestBroker(new FakeClock());
    const second = new RequestBroker(new FakeClock());
    const open = (broker: RequestBroker) => broker.open<string, string>('sampling', 'one', 'card', { signal: new AbortController().signal, timeoutMs: 0, origin }).id;
    const a = open(first);
    const b = open(second);
    assert.notEqual(a, b);
    assert.match(a, /^sampling-[0-9a-f]{12}-1$/);
    assert.ok(a.length <= 100, 'ids stay within what the webview protocol accepts');
  });

  it('keeps requests in arrival order and routes actions to their owner only', () => {
    const broker = new RequestBroker(new FakeClock());
    const a = broker.open<string, string>('sampling', 'one', 'card a', { signal: new AbortController().signal, timeoutMs: 0, origin });
    const b = broker.open<string, string>('elicitation', 'two', 'card b', { signal: new AbortController().signal, timeoutMs: 0, origin });
    const got: string[] = [];
    a.onAction((x) => got.push(`a:${x}`));
    b.onAction((x) => got.push(`b:${x}`));
    assert.deepEqual(broker.pending().map((e) => e.id), [a.id, b.id]);
    assert.equal(broker.dispatch(b.id, 'accept'), true);
    assert.equal(broker.dispatch('sampling-999', 'x'), false);
    assert.deepEqual(got, ['b:accept']);
  });

  it('moves an answered request to history and reports it once', () => {
    const broker = new RequestBroker(new FakeClock());
    const finished: string[] = [];
    broker.onDidFinish(({ finished: f }) => finished.push(`${f.id}:${f.outcome}`));
    const h = broker.open('elicitation', 's', {}, { signal: new AbortController().signal, timeoutMs: 0, origin });
    h.finish('accepted', 'ok');
    h.finish('accepted', 'again');
    assert.equal(broker.pending().length, 0);
    assert.deepEqual(broker.history().map((e) => e.outcome), ['accepted']);
    assert.deepEqual(finished, [`${h.id}:accepted`]);
  });

  it('times a review out, keeps the card marked until dismissed, and ignores late actions', () => {
    const clock = new FakeClock();
    const broker = new RequestBroker(clock);
    const h = broker.open('sampling', 's', {}, { signal: new AbortController().signal, timeoutMs: 60_000, origin });
    assert.equal(h.entry.deadline, clock.time + 60_000);
    clock.advance(60_000);
    assert.ok(h.signal.aborted);
    assert.ok(h.signal.reason instanceof ReviewAbortedError && h.signal.reason.kind === 'timeout');
    assert.equal(broker.pending()[0]?.closed?.kind, 'timeout');
    assert.equal(broker.openCount, 0);
    assert.equal(broker.dispatch(h.id, 'late'), false);
    broker.dismiss(h.id);
    assert.equal(broker.pending().length, 0);
  });

  it('tells a server cancellation from a disconnect', async () => {
    const broker = new RequestBroker(new FakeClock());
    const cancel = new AbortController();
    const gone = new AbortController();
    const a = broker.open('sampling', 's', {}, { signal: cancel.signal, timeoutMs: 0, origin });
    const b = broker.open('sampling', 's', {}, { signal: gone.signal, timeoutMs: 0, origin });
    cancel.abort(new Error('cancelled'));
    gone.abort(new ConnectionGoneError());
    assert.equal((a.signal.reason as ReviewAbortedError).kind, 'cancelled-by-server');
    assert.equal((b.signal.reason as ReviewAbortedError).kind, 'server-gone');
    assert.deepEqual(broker.history().map((e) => e.outcome).sort(), ['cancelled-by-server', 'server-gone']);
  });

  it('handles a signal that was already aborted when the request arrived', async () => {
    const broker = new RequestBroker(new FakeClock());
    const h = broker.open('elicitation', 's', {}, { signal: AbortSignal.abort(new ConnectionGoneError()), timeoutMs: 0, origin });
    await new Promise((r) => queueMicrotask(() => r(undefined)));
    assert.equal((h.signal.reason as ReviewAbortedError).kind, 'server-gone');
  });

  it('keeps a bounded history', () => {
    const broker = new RequestBroker(new FakeClock());
    for (let i = 0; i < 80; i++) broker.open('sampling', 's', {}, { signal: new AbortController().signal, timeoutMs: 0, origin }).finish('sent', String(i));
    assert.equal(broker.history().length, 50);
    assert.equal(broker.history()[0].summary, '79');
  });
});

import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AuditLog } from '../../src/host/audit';
import { recordElicitations } from '../../src/host/requests/auditElicitations';

describe('elicitation audit', () => {
  it('appends every finished elicitation, and no sampling request, to the audit log', async () => {
    const file = path.join(await mkdtemp(path.join(tmpdir(), 'audit-')), 'audit.jsonl');
    const audit = new AuditLog(file);
    const clock = new FakeClock();
    const broker = new RequestBroker(clock);
    recordElicitations(broker, audit);
    const a = broker.open('elicitation', 'forms', {}, { signal: new AbortController().signal, timeoutMs: 0, origin });
    clock.advance(1500);
    a.finish('declined', 'no thanks');
    broker.open('elicitation', 'forms', {}, { signal: new AbortController().signal, timeoutMs: 10, origin });
    clock.advance(10);
    broker.open('sampling', 'model', {}, { signal: new AbortController().signal, timeoutMs: 0, origin }).finish('sent', 'x');
    await new Promise((r) => setTimeout(r, 50));
    const entries = await audit.readRecent(10);
    assert.deepEqual(entries.map((e) => [e.kind, e.server, e.outcome, e.tool]), [
      ['elicitation', 'forms', 'declined', 'tool'],
      ['elicitation', 'forms', 'timeout', 'tool'],
    ]);
    assert.equal(entries[0].durationsMs.review, 1500);
  });
});
