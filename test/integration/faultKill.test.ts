// A stdio server killed (SIGKILL, like a crash) at each stage of a sampling and an
// elicitation request. The server has a child that shares its stdout, so the tree must
// be cleaned and the close noticed although a grandchild holds the pipe. For every
// stage: the tool call settles with a clear error, no process of the old tree is left,
// the card is closed and says why, the audit log records it, the server restarts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KILL_STAGES, runKillStage } from '../fault/scenarios';

describe('a server killed mid-request', () => {
  for (const [kind, stage] of KILL_STAGES) {
    it(`${kind}, ${stage}: settles the tool call, leaves no process, closes the card, audits, restarts`, async (t) => {
      const f = await runKillStage(kind, stage);
      t.diagnostic(JSON.stringify(f));
      assert.ok(f.settled, 'the tool call settled');
      assert.match(f.error ?? '', /got no answer: the server closed the connection \(it stopped or crashed\)/);
      assert.deepEqual(f.orphans, [], 'the server and its child are gone');
      if (kind === 'sampling' && stage === 'before-card') assert.equal(f.cardsWhenSettled, 0, 'the server died before the card existed');
      assert.deepEqual(f.card?.closed, { kind: 'server-gone', message: 'The server stopped before this was answered' });
      assert.equal(f.openCards, 0);
      if (stage === 'model-running' || stage === 'completion-review') assert.equal(f.modelAborted, true, 'the model run was stopped');
      assert.deepEqual(f.audit, { outcome: 'cancelled', error: 'The server stopped before this was answered' });
      assert.ok(f.restarted, `restarted per policy (state ${f.stateAfter})`);
    });
  }
});
