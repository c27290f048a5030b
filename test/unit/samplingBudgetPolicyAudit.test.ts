import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditLog, type AuditEntry } from '../../src/host/audit';
import { DEFAULT_MAX_TOKENS_CEILING, DEFAULT_REQUESTS_PER_MINUTE, PAUSED_REASON, RATE_WINDOW_MS, SamplingBudget } from '../../src/host/sampling/budget';
import { decide } from '../../src/host/sampling/policy';

function fakeClock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('SamplingBudget', () => {
  it('exports the documented defaults', () => {
    assert.equal(DEFAULT_REQUESTS_PER_MINUTE, 10);
    assert.equal(DEFAULT_MAX_TOKENS_CEILING, 4096);
    assert.deepEqual(new SamplingBudget().limitsFor('s'), { requestsPerMinute: 10, maxTokensCeiling: 4096 });
  });

  it('allows up to the per-minute limit, then rejects with retryAfterMs', () => {
    const clock = fakeClock();
    const budget = new SamplingBudget({ clock: clock.now });
    for (let i = 0; i < 10; i++) {
      assert.equal(budget.check('s', 100).ok, true, `request ${i}`);
      budget.record('s');
      clock.advance(1000);
    }
    const r = budget.check('s', 100);
    assert.equal(r.ok, false);
    if (r.ok) return;
    // The first request was at t0; now is t0 + 10 s; it ages out at t0 + 60 s.
    assert.equal(r.retryAfterMs, 50_000);
    assert.equal(r.reason, 'Server "s" reached its limit of 10 sampling requests per minute; retry in 50 s');
  });

  it('frees a slot exactly when the oldest request leaves the sliding window', () => {
    const clock = fakeClock();
    const budget = new SamplingBudget({ clock: clock.now, defaults: { requestsPerMinute: 2 } });
    budget.record('s');
    clock.advance(30_000);
    budget.record('s');
    clock.advance(29_999);
    assert.equal(budget.check('s', 1).ok, false);
    clock.advance(1);
    assert.equal(budget.check('s', 1).ok, true);
    budget.record('s');
    const r = budget.check('s', 1);
    assert.ok(!r.ok && r.retryAfterMs === 30_000);
  });

  it('does not count checks, only records', () => {
    const budget = new SamplingBudget({ clock: fakeClock().now, defaults: { requestsPerMinute: 1 } });
    assert.equal(budget.check('s', 1).ok, true);
    assert.equal(budget.check('s', 1).ok, true);
    budget.record('s');
    assert.equal(budget.check('s', 1).ok, false);
  });

  it('keeps separate windows per server', () => {
    const budget = new SamplingBudget({ clock: fakeClock().now, defaults: { requestsPerMinute: 1 } });
    budget.record('a');
    assert.equal(budget.check('a', 1).ok, false);
    assert.equal(budget.check('b', 1).ok, true);
  });

  it('applies per-server limits over the defaults and clears them', () => {
    const budget = new SamplingBudget({ clock: fakeClock().now });
    budget.setLimits('s', { requestsPerMinute: 1 });
    assert.deepEqual(budget.limitsFor('s'), { requestsPerMinute: 1, maxTokensCeiling: 4096 });
    budget.record('s');
    assert.equal(budget.check('s', 1).ok, false);
    budget.setLimits('s', undefined);
    assert.equal(budget.check('s', 1).ok, true);
  });

  it('treats requestsPerMinute 0 as no rate limit', () => {
    const budget = new SamplingBudget({ clock: fakeClock().now, defaults: { requestsPerMinute: 0 } });
    for (let i = 0; i < 100; i++) budget.record('s');
    assert.equal(budget.check('s', 1).ok, true);
  });

  it('forgets recorded requests on reset', () => {
    const budget = new SamplingBudget({ clock: fakeClock().now, defaults: { requestsPerMinute: 1 } });
    budget.record('a');
    budget.record('b');
    budget.reset('a');
    assert.equal(budget.check('a', 1).ok, true);
    assert.equal(budget.check('b', 1).ok, false);
    budget.reset();
    assert.equal(budget.check('b', 1).ok, true);
  });

  it('clamps maxTokens to the ceiling by default', () => {
    const budget = new SamplingBudget();
    assert.deepEqual(budget.check('s', 4096), { ok: true, maxTokens: 4096, clamped: false });
    assert.deepEqual(budget.check('s', 100_000), { ok: true, maxTokens: 4096, clamped: true });
    budget.setLimits('s', { maxTokensCeiling: 512 });
    assert.deepEqual(budget.check('s', 1000), { ok: true, maxTokens: 512, clamped: true });
  });

  it("rejects maxTokens above the ceiling with overCeiling 'reject'", () => {
    const budget = new SamplingBudget({ overCeiling: 'reject' });
    const r = budget.check('s', 5000);
    assert.ok(!r.ok);
    assert.equal(r.reason, 'Server "s" asked for 5000 tokens, above its ceiling of 4096');
    assert.equal(r.retryAfterMs, undefined);
  });

  it('rejects everything while paused, with a clear reason', () => {
    const budget = new SamplingBudget();
    budget.paused = true;
    assert.deepEqual(budget.check('s', 1), { ok: false, reason: PAUSED_REASON });
    budget.paused = false;
    assert.equal(budget.check('s', 1).ok, true);
  });

  it('uses a one-minute window', () => {
    assert.equal(RATE_WINDOW_MS, 60_000);
  });
});

describe('decide (sampling policy)', () => {
  it('asks for prompt and completion review under ask', () => {
    assert.deepEqual(decide('ask', false), { reviewPrompt: true, reviewCompletion: true });
  });

  it('runs the prompt at once but reviews the completion under approvePrompt', () => {
    assert.deepEqual(decide('approvePrompt', false), { reviewPrompt: false, reviewCompletion: true });
  });

  it('reviews nothing under auto', () => {
    assert.deepEqual(decide('auto', false), { reviewPrompt: false, reviewCompletion: false });
  });

  it('rejects under deny', () => {
    assert.deepEqual(decide('deny', false), { reject: 'Sampling is denied for this server by its samplingPolicy setting' });
  });

  it('rejects every policy while paused', () => {
    for (const policy of ['ask', 'approvePrompt', 'auto', 'deny'] as const) {
      assert.deepEqual(decide(policy, true), { reject: PAUSED_REASON });
    }
  });

  it('fails closed on an unknown policy value', () => {
    assert.ok('reject' in decide('yolo' as never, false));
  });
});

describe('AuditLog', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sampling-audit-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  let seq = 0;
  function entry(extra: Partial<AuditEntry> = {}): AuditEntry {
    seq++;
    return { ts: new Date(seq * 1000).toISOString(), server: 'srv', kind: 'sampling', requestId: seq, outcome: 'sent', edits: [], durationsMs: { review: 5, run: 10 }, ...extra };
  }

  it('creates the directory and appends one JSON line per entry', async () => {
    const file = join(dir, 'a', 'nested', 'audit.jsonl');
    const log = new AuditLog(file);
    const e1 = entry({ model: 'gpt-4o', tokenEstimate: { input: 10, output: 20 } });
    const e2 = entry({ kind: 'elicitation', outcome: 'rejected', tool: 'deploy' });
    await Promise.all([log.record(e1), log.record(e2)]);
    const lines = (await readFile(file, 'utf8')).trimEnd().split('\n');
    assert.deepEqual(lines.map((l) => JSON.parse(l)), [e1, e2]);
  });

  it('builds a record given as a builder when it writes it, never in the caller\'s turn, and never while the log is off', async () => {
    const log = new AuditLog(join(dir, 'builder.jsonl'));
    const e = entry();
    let built = 0;
    const written = log.record(() => {
      built++;
      return e;
    });
    assert.equal(built, 0, 'nothing is built in the turn that answers the server');
    await written;
    assert.equal(built, 1);
    assert.deepEqual(await log.readRecent(5), [e]);
    log.enabled = false;
    await log.record(() => {
      built++;
      return entry();
    });
    assert.equal(built, 1, 'an audit log that is off builds nothing');
  });

  it('serializes concurrent writes in call order', async () => {
    const file = join(dir, 'order.jsonl');
    const log = new AuditLog(file);
    const entries = Array.from({ length: 50 }, () => entry());
    await Promise.all(entries.map((e) => log.record(e)));
    assert.deepEqual((await log.readRecent(50)).map((e) => e.requestId), entries.map((e) => e.requestId));
  });

  it('returns the last n entries, oldest first', async () => {
    const log = new AuditLog(join(dir, 'recent.jsonl'));
    const entries = [entry(), entry(), entry()];
    for (const e of entries) void log.record(e);
    assert.deepEqual(await log.readRecent(2), entries.slice(1));
    assert.deepEqual(await log.readRecent(10), entries);
    assert.deepEqual(await log.readRecent(0), []);
  });

  it('returns no entries when the file does not exist', async () => {
    assert.deepEqual(await new AuditLog(join(dir, 'missing.jsonl')).readRecent(5), []);
  });

  it('skips a half-written last line', async () => {
    const file = join(dir, 'half.jsonl');
    const good = entry();
    await writeFile(file, JSON.stringify(good) + '\n' + '{"ts":"2024-01-01T00:00:00.000Z","serv');
    assert.deepEqual(await new AuditLog(file).readRecent(5), [good]);
  });

  it('starts a new line after a half-written line left by an earlier session', async () => {
    const file = join(dir, 'resume.jsonl');
    await writeFile(file, '{"ts":"broken');
    const log = new AuditLog(file);
    const e = entry();
    await log.record(e);
    assert.deepEqual(await log.readRecent(5), [e]);
    await appendFile(file, 'not json either\n');
    assert.deepEqual(await log.readRecent(5), [e]);
  });

  it('rotates to <file>.1 before exceeding maxBytes and reads across the rotation', async () => {
    const file = join(dir, 'rotate.jsonl');
    // Fixed ids keep every line the same length.
    const first = entry({ requestId: 'r1' });
    const lineBytes = Buffer.byteLength(JSON.stringify(first) + '\n');
    const log = new AuditLog(file, { maxBytes: lineBytes * 2 + 1 });
    const rest = [entry({ requestId: 'r2' }), entry({ requestId: 'r3' })];
    for (const e of [first, ...rest]) await log.record(e);
    assert.equal((await readFile(`${file}.1`, 'utf8')).trimEnd().split('\n').length, 2);
    assert.deepEqual((await readFile(file, 'utf8')).trimEnd().split('\n').map((l) => JSON.parse(l)), [rest[1]]);
    assert.ok((await stat(file)).size <= lineBytes * 2 + 1);
    assert.deepEqual(await log.readRecent(3), [first, ...rest]);
  });

  it('writes entries recorded in one turn together, in order, rotating between them when needed', async () => {
    const file = join(dir, 'batch.jsonl');
    const lines = ['b1', 'b2', 'b3', 'b4', 'b5'].map((id) => entry({ requestId: id }));
    const lineBytes = Buffer.byteLength(JSON.stringify(lines[0]) + '\n');
    const log = new AuditLog(file, { maxBytes: lineBytes * 3 });
    const writes = lines.map((e) => log.record(e));
    await Promise.all(writes);
    assert.deepEqual((await readFile(`${file}.1`, 'utf8')).trimEnd().split('\n').map((l) => JSON.parse(l)), lines.slice(0, 3));
    assert.deepEqual((await readFile(file, 'utf8')).trimEnd().split('\n').map((l) => JSON.parse(l)), lines.slice(3));
  });

  it('rotates at 5 MB by default', async () => {
    const file = join(dir, 'big.jsonl');
    await writeFile(file, 'x'.repeat(5 * 1024 * 1024 - 10) + '\n');
    const log = new AuditLog(file);
    const e = entry();
    await log.record(e);
    assert.deepEqual(await log.readRecent(1), [e]);
    assert.equal((await stat(`${file}.1`)).size, 5 * 1024 * 1024 - 9);
  });

  it('writes nothing while disabled', async () => {
    const file = join(dir, 'disabled.jsonl');
    const log = new AuditLog(file, { enabled: false });
    await log.record(entry());
    await assert.rejects(stat(file), { code: 'ENOENT' });
    log.enabled = true;
    await log.record(entry());
    assert.equal((await log.readRecent(5)).length, 1);
  });

  it('logs only content sizes by default', async () => {
    const log = new AuditLog(join(dir, 'sizes.jsonl'));
    const messages = [{ role: 'user', content: { type: 'text', text: 'secret prompt' } }];
    await log.record(entry({ content: { messages, systemPrompt: 'be nice', completion: 'secret answer' } }));
    const [written] = await log.readRecent(1);
    assert.equal(written.content, undefined);
    assert.deepEqual(written.contentSizes, { messages: JSON.stringify(messages).length, systemPrompt: 7, completion: 13 });
    assert.doesNotMatch(await readFile(join(dir, 'sizes.jsonl'), 'utf8'), /secret/);
  });

  it('logs full content with includeContent', async () => {
    const log = new AuditLog(join(dir, 'content.jsonl'), { includeContent: true });
    const e = entry({ content: { systemPrompt: 'be nice', completion: 'answer' } });
    await log.record(e);
    assert.deepEqual(await log.readRecent(1), [e]);
  });

  it('logs a form answer only as sizes by default, and in full with includeContent', async () => {
    const content = { message: 'Your card number?', answer: { card: '4111 1111 1111 1111', keep: true } };
    const sizes = new AuditLog(join(dir, 'answer-sizes.jsonl'));
    await sizes.record(entry({ kind: 'elicitation', outcome: 'accepted', content }));
    const [small] = await sizes.readRecent(1);
    assert.equal(small.content, undefined);
    assert.deepEqual(small.contentSizes, { message: content.message.length, answer: JSON.stringify(content.answer).length });
    assert.doesNotMatch(await readFile(join(dir, 'answer-sizes.jsonl'), 'utf8'), /4111|card number/);
    const full = new AuditLog(join(dir, 'answer-full.jsonl'), { includeContent: true });
    const e = entry({ kind: 'elicitation', outcome: 'accepted', content });
    await full.record(e);
    assert.deepEqual(await full.readRecent(1), [e]);
  });

  it('collects entries for flushDelayMs and writes them together; flush() writes at once', async () => {
    const file = join(dir, 'delayed.jsonl');
    const log = new AuditLog(file, { flushDelayMs: 60_000 });
    const entries = [entry(), entry(), entry()];
    const writes = entries.map((e) => log.record(e));
    await new Promise((r) => setTimeout(r, 20));
    await assert.rejects(stat(file), { code: 'ENOENT' }, 'nothing is written before the delay');
    await log.flush();
    await Promise.all(writes);
    assert.deepEqual((await readFile(file, 'utf8')).trimEnd().split('\n').map((l) => JSON.parse(l)), entries);
    const later = entry();
    void log.record(later);
    assert.deepEqual(await log.readRecent(1), [later], 'reading flushes what is queued');
  });

  it('reports write failures through onError and keeps working', async () => {
    const blocker = join(dir, 'blocker');
    await writeFile(blocker, 'a file, not a directory');
    const errors: unknown[] = [];
    const log = new AuditLog(join(blocker, 'audit.jsonl'), { onError: (e) => errors.push(e) });
    await log.record(entry());
    assert.equal(errors.length, 1);
    await log.record(entry());
    assert.equal(errors.length, 2);
  });
});
