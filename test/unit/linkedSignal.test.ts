import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { describe, it } from 'node:test';
import { linkedSignal } from '../../src/host/connectionSupport';

describe('linkedSignal', () => {
  it('aborts with the reason of whichever signal aborts first, and unhooks from the other', () => {
    for (const first of ['a', 'b'] as const) {
      const a = new AbortController();
      const b = new AbortController();
      const linked = linkedSignal(a.signal, b.signal);
      assert.equal(linked.signal.aborted, false);
      const reason = new Error(`from ${first}`);
      (first === 'a' ? a : b).abort(reason);
      assert.equal(linked.signal.aborted, true);
      assert.equal(linked.signal.reason, reason);
      assert.equal(getEventListeners(a.signal, 'abort').length + getEventListeners(b.signal, 'abort').length, 0);
    }
  });

  it('is aborted at once when a source already is', () => {
    const a = new AbortController();
    const b = new AbortController();
    b.abort('gone');
    const linked = linkedSignal(a.signal, b.signal);
    assert.equal(linked.signal.aborted, true);
    assert.equal(linked.signal.reason, 'gone');
    assert.equal(getEventListeners(a.signal, 'abort').length, 0);
  });

  it('leaves no listener on either source after dispose, and no longer follows them', () => {
    const a = new AbortController();
    const b = new AbortController();
    const linked = linkedSignal(a.signal, b.signal);
    assert.equal(getEventListeners(b.signal, 'abort').length, 1);
    linked.dispose();
    assert.equal(getEventListeners(a.signal, 'abort').length, 0);
    assert.equal(getEventListeners(b.signal, 'abort').length, 0);
    b.abort();
    assert.equal(linked.signal.aborted, false);
  });
});
