import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backoffDelay, DEFAULT_BACKOFF, describeState, IllegalTransitionError, transition, type BackoffPolicy, type ServerState } from '../../src/host/lifecycle';

const policy: BackoffPolicy = { initialDelayMs: 100, maxDelayMs: 1000, maxRestarts: 3, stableAfterMs: 10_000 };
const fail = (at = 0) => ({ type: 'failed' as const, message: 'boom', lastStderr: ['last line'], at });

describe('backoff', () => {
  it('doubles from the initial delay and caps at the maximum', () => {
    assert.deepEqual([1, 2, 3, 4, 5].map((n) => backoffDelay(n, policy)), [100, 200, 400, 800, 1000]);
  });
  it('never overflows for huge attempt numbers', () => {
    assert.equal(backoffDelay(10_000, DEFAULT_BACKOFF), DEFAULT_BACKOFF.maxDelayMs);
  });
});

describe('lifecycle', () => {
  it('goes stopped → starting → running → stopped', () => {
    let s: ServerState = { kind: 'stopped' };
    s = transition(s, { type: 'start' }, policy);
    assert.equal(s.kind, 'starting');
    s = transition(s, { type: 'connected', at: 5 }, policy);
    assert.deepEqual(s, { kind: 'running', since: 5, attempt: 0 });
    s = transition(s, { type: 'stop' }, policy);
    assert.deepEqual(s, { kind: 'stopped' });
  });

  it('schedules restarts with growing delays, then gives up with the last stderr lines', () => {
    let s: ServerState = transition({ kind: 'stopped' }, { type: 'start' }, policy);
    const delays: Array<number | undefined> = [];
    for (let i = 0; i < 4; i++) {
      s = transition(s, fail(), policy);
      assert.equal(s.kind, 'error');
      delays.push(s.kind === 'error' ? s.retryInMs : -1);
      if (s.kind === 'error' && s.retryInMs !== undefined) s = transition(s, { type: 'retry' }, policy);
    }
    assert.deepEqual(delays, [100, 200, 400, undefined]);
    assert.deepEqual(s.kind === 'error' && s.lastStderr, ['last line']);
    assert.match(describeState(s), /^Error: boom/);
  });

  it('keeps counting when a restarted server crashes again soon after connecting', () => {
    let s: ServerState = transition({ kind: 'stopped' }, { type: 'start' }, policy);
    s = transition(s, fail(0), policy);
    s = transition(s, { type: 'retry' }, policy);
    s = transition(s, { type: 'connected', at: 1000 }, policy);
    s = transition(s, fail(2000), policy);
    assert.equal(s.kind === 'error' && s.attempt, 2);
  });

  it('resets the count after a server ran stably', () => {
    let s: ServerState = transition({ kind: 'stopped' }, { type: 'start' }, policy);
    s = transition(s, fail(0), policy);
    s = transition(s, { type: 'retry' }, policy);
    s = transition(s, { type: 'connected', at: 0 }, policy);
    s = transition(s, fail(policy.stableAfterMs + 1), policy);
    assert.equal(s.kind === 'error' && s.attempt, 1);
  });

  it('a manual start from an error starts over', () => {
    const s = transition({ kind: 'error', message: 'x', lastStderr: [], attempt: 4 }, { type: 'start' }, policy);
    assert.deepEqual(s, { kind: 'starting', attempt: 0 });
  });

  it('refuses impossible transitions', () => {
    assert.throws(() => transition({ kind: 'stopped' }, { type: 'connected', at: 0 }, policy), IllegalTransitionError);
    assert.throws(() => transition({ kind: 'stopped' }, fail(), policy), IllegalTransitionError);
    assert.throws(() => transition({ kind: 'error', message: 'x', lastStderr: [], attempt: 9 }, { type: 'retry' }, policy), IllegalTransitionError);
  });

  it('start is idempotent while starting or running', () => {
    const running: ServerState = { kind: 'running', since: 1, attempt: 0 };
    assert.equal(transition(running, { type: 'start' }, policy), running);
  });
});
