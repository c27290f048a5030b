import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serverArg } from '../../src/extension/serverArg';

test('a command gets its server from a name or a server node of the tree, and asks for anything else', () => {
  assert.equal(serverArg('demo'), 'demo');
  assert.equal(serverArg({ kind: 'server', name: 'demo (api)' }), 'demo (api)');
  for (const arg of [undefined, null, 42, { kind: 'tool', server: 'demo', name: 'echo' }, { name: 'demo' }, ['demo']]) assert.equal(serverArg(arg), undefined);
});
