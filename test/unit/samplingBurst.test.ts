import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Rig, settle } from './samplingFakes';

describe('SamplingCoordinator: a burst of requests', () => {
  it('counts requests on arrival: a burst opens only budget-many cards, the rest get -32003 at once', async () => {
    const rig = new Rig();
    rig.options.srv = { samplingPolicy: 'ask', maxRequestsPerMinute: 5 };
    const outcomes = Array.from({ length: 25 }, () => rig.request().result.then(() => 'ok', (e: { code?: number }) => e.code));
    await settle();
    assert.equal(rig.broker.pending().length, 5);
    for (const entry of rig.broker.pending()) rig.broker.dispatch(entry.id, { type: 'reject' });
    const codes = await Promise.all(outcomes);
    assert.equal(codes.filter((c) => c === -32003).length, 20);
    assert.equal(codes.filter((c) => c === -1).length, 5);
    assert.equal(rig.coordinator.activeCount, 0);
  });

  it('lets the person run an accepted request although the window is full', async () => {
    const rig = new Rig();
    rig.options.srv = { samplingPolicy: 'ask', maxRequestsPerMinute: 1 };
    const { result } = rig.request();
    const entry = await rig.card();
    assert.ok(rig.run(entry));
    await settle();
    assert.equal(entry.card.phase, 'completed');
    rig.act(entry, { type: 'send' });
    assert.equal((await result).model, 'fast-mini');
  });
});
