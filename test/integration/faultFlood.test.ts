// 1 000 sampling requests at once from one server under maxRequestsPerMinute = 10:
// exactly 10 cards, 990 immediate budget errors, a tool call in parallel still
// completes, and once the person rejects the cards nothing is left pending.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrorCode } from '../../src/host/errors';
import { runFlood } from '../fault/scenarios';

describe('a sampling flood', () => {
  it('opens budget-many cards, answers the rest with the budget error, stays responsive and leaks nothing', async (t) => {
    const f = await runFlood(1000, 10);
    t.diagnostic(JSON.stringify(f));
    assert.equal(f.cards, 10);
    assert.equal(f.maxOpen, 10, 'the broker never held more than the budget');
    assert.equal(f.byCode[String(ErrorCode.PolicyDenied)]?.count, 990);
    assert.match(f.byCode[String(ErrorCode.PolicyDenied)]?.message ?? '', /limit of 10 sampling requests per minute/);
    assert.equal(f.byCode[String(ErrorCode.UserRejected)]?.count, 10);
    assert.equal(Object.keys(f.byCode).length, 2);
    assert.ok(f.parallelCall.ok, 'a tools/call during the flood completed');
    assert.deepEqual(f.after, { pendingCards: 0, activeSessions: 0, pendingServerRequests: 0 });
  });
});
