import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Emitter } from '../../src/host/events';

describe('Emitter', () => {
  it('calls the listeners subscribed when it fires, in order, whatever they subscribe or throw meanwhile', () => {
    for (const count of [1, 2, 3]) {
      const emitter = new Emitter<number>();
      const calls: string[] = [];
      for (let i = 0; i < count; i++) {
        emitter.event((n) => {
          calls.push(`l${i}:${n}`);
          // A listener added during a fire is called from the next fire on.
          emitter.event((m) => calls.push(`late${i}:${m}`));
          throw new Error('a failing listener does not stop the others');
        });
      }
      emitter.fire(1);
      assert.deepEqual(calls, Array.from({ length: count }, (_, i) => `l${i}:1`), `${count} listener(s)`);
    }
  });

  it('fires to nobody once disposed, and a disposed subscription is not called', () => {
    const emitter = new Emitter<string>();
    const calls: string[] = [];
    const a = emitter.event((s) => calls.push(`a${s}`));
    emitter.event((s) => calls.push(`b${s}`));
    a.dispose();
    emitter.fire('1');
    emitter.dispose();
    emitter.fire('2');
    assert.deepEqual(calls, ['b1']);
  });
});
