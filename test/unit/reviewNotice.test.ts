import { test } from 'node:test';
import assert from 'node:assert/strict';
import { reviewNotice } from '../../src/extension/reviewNotice';

test('review notice: nothing added, no notification', () => {
  assert.equal(reviewNotice([]), undefined);
});

test('review notice: one request keeps its own sentence per kind', () => {
  assert.deepEqual(reviewNotice([{ kind: 'sampling', server: 'fx' }]), { type: 'one', server: 'fx', what: 'wants a model completion' });
  assert.deepEqual(reviewNotice([{ kind: 'elicitation', server: 'fx' }]), { type: 'one', server: 'fx', what: 'asks for your input' });
});

test('review notice: a burst from one server is one notice with the count', () => {
  const burst = Array.from({ length: 200 }, () => ({ kind: 'sampling' as const, server: 'bench' }));
  assert.deepEqual(reviewNotice(burst), { type: 'burst', server: 'bench', count: 200 });
});

test('review notice: a burst from several servers counts servers and requests', () => {
  const added = [
    { kind: 'sampling' as const, server: 'a' },
    { kind: 'elicitation' as const, server: 'b' },
    { kind: 'sampling' as const, server: 'a' },
  ];
  assert.deepEqual(reviewNotice(added), { type: 'servers', servers: 2, count: 3 });
});
