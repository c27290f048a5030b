import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { StreamLimiter, estimateTokens, type StreamLimiterOptions } from '../../src/host/sampling/streamLimiter';

/** Feeds chunks until done, then finishes; returns what was emitted per call and the total. */
function run(options: StreamLimiterOptions, chunks: string[]) {
  const limiter = new StreamLimiter(options);
  const emits: string[] = [];
  let consumed = 0;
  for (const chunk of chunks) {
    consumed++;
    const r = limiter.push(chunk);
    emits.push(r.emit);
    if (r.done) break;
  }
  emits.push(limiter.finish().emit);
  return { limiter, emits, consumed, text: emits.join('') };
}

describe('StreamLimiter: stop sequences', () => {
  it('passes text through unchanged without limits', () => {
    const r = run({}, ['Hello, ', 'world']);
    assert.deepEqual(r.emits, ['Hello, ', 'world', '']);
    assert.equal(r.limiter.stopReason, 'endTurn');
  });

  it('stops at a stop sequence inside one chunk and excludes it from the output', () => {
    const r = run({ stopSequences: ['STOP'] }, ['abcSTOPdef', 'more']);
    assert.equal(r.text, 'abc');
    assert.equal(r.consumed, 1);
    assert.equal(r.limiter.stopReason, 'stopSequence');
    assert.equal(r.limiter.text, 'abc');
  });

  it('detects a stop sequence split across three chunks', () => {
    const r = run({ stopSequences: ['<END>'] }, ['one <E', 'N', 'D> two']);
    assert.equal(r.text, 'one ');
    assert.equal(r.consumed, 3);
    assert.equal(r.limiter.stopReason, 'stopSequence');
  });

  it('holds back only text that could still start a stop sequence', () => {
    const limiter = new StreamLimiter({ stopSequences: ['<END>'] });
    assert.deepEqual(limiter.push('one <E'), { emit: 'one ', done: false });
    assert.deepEqual(limiter.push('N'), { emit: '', done: false });
    assert.deepEqual(limiter.push('x'), { emit: '<ENx', done: false });
  });

  it('releases a held-back partial match when the stream ends', () => {
    const r = run({ stopSequences: ['<END>'] }, ['text <EN']);
    assert.deepEqual(r.emits, ['text ', '<EN']);
    assert.equal(r.limiter.stopReason, 'endTurn');
  });

  it('finds the earliest match of an overlapping stop sequence ("abab" in "aababab")', () => {
    assert.equal(run({ stopSequences: ['abab'] }, ['aababab']).text, 'a');
    assert.equal(run({ stopSequences: ['abab'] }, [...'aababab']).text, 'a');
  });

  it('keeps the longest possible prefix held when a shorter one fails ("aab" then "ab")', () => {
    // After "aab" the held suffix is "ab" (prefix of "abab"); "ab" completes the match.
    const r = run({ stopSequences: ['abab'] }, ['xaab', 'ab', 'tail']);
    assert.equal(r.text, 'xa');
    assert.equal(r.limiter.stopReason, 'stopSequence');
  });

  it('uses the stop sequence that occurs first when several are present', () => {
    assert.equal(run({ stopSequences: ['World', 'lo'] }, ['Hello World']).text, 'Hel');
  });

  it('stops when a chunk boundary falls right before the stop sequence', () => {
    assert.equal(run({ stopSequences: ['\n\n'] }, ['para one', '\n\n', 'para two']).text, 'para one');
  });

  it('ignores empty stop sequences', () => {
    assert.equal(run({ stopSequences: [''] }, ['abc']).text, 'abc');
  });

  it('returns nothing more once done', () => {
    const limiter = new StreamLimiter({ stopSequences: ['x'] });
    limiter.push('ax');
    assert.deepEqual(limiter.push('more'), { emit: '', done: true });
    assert.deepEqual(limiter.finish(), { emit: '' });
  });
});

describe('StreamLimiter: maxTokens', () => {
  it('estimates one token per four characters, rounded up', () => {
    assert.equal(estimateTokens(''), 0);
    assert.equal(estimateTokens('abcd'), 1);
    assert.equal(estimateTokens('abcde'), 2);
  });

  it('truncates mid-chunk to the longest prefix that fits', () => {
    const r = run({ maxTokens: 2 }, ['abcdef', 'ghijkl', 'mnop']);
    assert.equal(r.text, 'abcdefgh');
    assert.equal(r.consumed, 2);
    assert.equal(r.limiter.stopReason, 'maxTokens');
  });

  it('counts the whole emitted text, not each chunk separately', () => {
    const counted: string[] = [];
    const countTokens = (t: string) => {
      counted.push(t);
      return t.split(' ').filter(Boolean).length;
    };
    const r = run({ maxTokens: 3, countTokens }, ['one two ', 'three four five']);
    assert.equal(r.text, 'one two three ');
    assert.ok(counted.includes('one two three four five'));
  });

  it('allows text that lands exactly on the limit', () => {
    const r = run({ maxTokens: 2 }, ['abcdefgh']);
    assert.equal(r.text, 'abcdefgh');
    assert.equal(r.limiter.stopReason, 'endTurn');
  });

  it('stops with an empty emit when the limit is already reached', () => {
    const limiter = new StreamLimiter({ maxTokens: 1 });
    assert.deepEqual(limiter.push('abcd'), { emit: 'abcd', done: false });
    assert.deepEqual(limiter.push('e'), { emit: '', done: true });
    assert.equal(limiter.stopReason, 'maxTokens');
  });

  it('prefers maxTokens when the limit is hit before a stop sequence', () => {
    const r = run({ maxTokens: 1, stopSequences: ['STOP'] }, ['abcdefSTOP']);
    assert.equal(r.text, 'abcd');
    assert.equal(r.limiter.stopReason, 'maxTokens');
  });

  it('applies the limit to the held-back tail flushed by finish()', () => {
    const limiter = new StreamLimiter({ maxTokens: 1, stopSequences: ['abcdefgh'] });
    assert.deepEqual(limiter.push('abcdef'), { emit: '', done: false });
    assert.deepEqual(limiter.finish(), { emit: 'abcd' });
    assert.equal(limiter.stopReason, 'maxTokens');
  });

  it('never splits a surrogate pair when truncating', () => {
    const countTokens = (t: string) => t.length; // one token per UTF-16 unit
    const r = run({ maxTokens: 2, countTokens }, ['a😀b']);
    assert.equal(r.text, 'a');
  });
});

describe('StreamLimiter: stop reasons', () => {
  it('reports toolUse when a tool call arrived', () => {
    const limiter = new StreamLimiter();
    limiter.push('calling a tool');
    limiter.markToolUse();
    limiter.finish();
    assert.equal(limiter.stopReason, 'toolUse');
  });

  it('keeps stopSequence when a tool call is noted after the text was stopped', () => {
    const limiter = new StreamLimiter({ stopSequences: ['!'] });
    limiter.push('hi!');
    limiter.markToolUse();
    assert.equal(limiter.stopReason, 'stopSequence');
  });

  it('defaults to endTurn', () => {
    assert.equal(new StreamLimiter().stopReason, 'endTurn');
  });
});
