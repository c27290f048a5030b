// 10 000 malformed or hostile messages from one stdio server (seeded generator in
// test/fixtures/fuzzMessages.mjs; FUZZ_SEED=<n> reproduces a run). The host must not
// crash, must answer every request (errors for all but valid ping / roots/list), keep
// its memory and its log bounded, and still serve a tool call afterwards.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PROTOCOL_LOG_BURST } from '../../src/host/protocolLog';
import { runFuzz } from '../fault/scenarios';

const SEED = Number(process.env.FUZZ_SEED ?? 20260728);
const COUNT = Number(process.env.FUZZ_COUNT ?? 10_000);

describe('a server writing hostile messages', () => {
  it(`answers every request among ${COUNT} hostile messages and keeps serving (seed ${SEED})`, async (t) => {
    t.diagnostic(`fuzz seed ${SEED} (set FUZZ_SEED to reproduce)`);
    const f = await runFuzz({ seed: SEED, count: COUNT, hugeBytes: 1024 * 1024 });
    const s = f.stats;
    t.diagnostic(JSON.stringify({ ...s, unansweredIds: undefined }));
    assert.equal(s.sent, COUNT);
    assert.ok(s.requests > COUNT / 20, `the generator sent too few requests (${s.requests}) to mean anything`);
    assert.deepEqual(s.unansweredIds, [], `requests left unanswered (seed ${SEED})`);
    assert.equal(s.unanswered, 0);
    assert.equal(s.answers, s.requests, 'one answer per request, no more');
    assert.equal(s.unexpected, 0, 'no answer for an id that was never asked');
    assert.equal(s.wrongKind, 0, 'errors exactly for the malformed requests, results for valid ping / roots/list');
    assert.equal(s.errors, s.expectedErrors + s.expectedNullIdErrors);
    assert.equal(s.nullIdErrors, s.expectedNullIdErrors, 'requests with unusable ids are answered with id null');
    // No crash, no restart: the same process and connection serve the next call.
    assert.equal(f.state, 'running');
    assert.ok(f.sameProcess, 'the server was not restarted');
    assert.equal(f.echo, 'echo: still here');
    // Bounded: the log does not grow with the flood, the heap does not keep what it saw.
    assert.ok(f.logLines < 10 + 2 * PROTOCOL_LOG_BURST, `log lines: ${f.logLines}`);
    assert.ok(f.logChars < 20_000, `log characters: ${f.logChars}`);
    assert.ok(f.memory.heapAfter - f.memory.heapBefore < 32 * 1024 * 1024, `heap grew by ${f.memory.heapAfter - f.memory.heapBefore} bytes`);
    assert.equal(f.openCards, 0, 'refused elicitations leave no open card');
  });
});
