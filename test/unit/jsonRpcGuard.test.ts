import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readLine } from '../../src/host/jsonRpcGuard';
import { LineFramer } from '../../src/host/stdioTransport';

const reply = (line: string) => {
  const [item] = readLine(line);
  return item.kind === 'invalidRequest' ? item.reply : item.kind;
};

describe('readLine: what a server wrote', () => {
  it('passes valid messages through and skips blank lines', () => {
    assert.deepEqual(readLine('{"jsonrpc":"2.0","id":1,"method":"ping"}').map((i) => i.kind), ['message']);
    assert.deepEqual(readLine('   '), []);
    assert.deepEqual(readLine(''), []);
    assert.deepEqual(readLine('\t\u00a0\u2028\ufeff\r'), [], 'whatever trim() removes is blank');
    assert.deepEqual(readLine('  x').map((i) => i.kind), ['dropped']);
  });

  it('drops what cannot be attributed to a request: bad JSON, non-objects, malformed responses and notifications', () => {
    for (const line of ['not json', '{"a":1,}', '42', 'null', '[]', '{"jsonrpc":"2.0","id":"x","result":"str"}', '{"jsonrpc":"2.0","method":"n","params":[1]}']) {
      assert.equal(reply(line), 'dropped', line);
    }
  });

  it('answers a request with wrong params with -32602 and its id', () => {
    assert.deepEqual(reply('{"jsonrpc":"2.0","id":7,"method":"ping","params":[1,2]}'), { jsonrpc: '2.0', id: 7, error: { code: -32602, message: 'Invalid request: params must be an object' } });
    assert.equal((reply('{"jsonrpc":"2.0","id":"s","method":"ping","params":{"_meta":"x"}}') as { error: { code: number } }).error.code, -32602);
  });

  it('answers other malformed requests with -32600, echoing usable ids and using null for the rest', () => {
    assert.deepEqual(reply('{"id":"a","method":"ping"}'), { jsonrpc: '2.0', id: 'a', error: { code: -32600, message: 'Invalid request: jsonrpc must be "2.0"' } });
    assert.deepEqual(reply('{"jsonrpc":"2.0","id":3,"method":42}'), { jsonrpc: '2.0', id: 3, error: { code: -32600, message: 'Invalid request: method must be a string' } });
    assert.deepEqual(reply('{"jsonrpc":"2.0","id":3,"method":"ping","extra":1}'), { jsonrpc: '2.0', id: 3, error: { code: -32600, message: 'Invalid request: unexpected member "extra"' } });
    for (const id of ['{}', '[1]', 'true', 'null', '1e400']) assert.equal((reply(`{"jsonrpc":"2.0","id":${id},"method":"ping"}`) as { id: unknown }).id, null, id);
    assert.equal((reply('{"jsonrpc":"2.0","id":1.5,"method":"ping"}') as { id: unknown }).id, 1.5);
  });

  it('reads a batch element by element', () => {
    assert.deepEqual(readLine('[{"jsonrpc":"2.0","id":1,"method":"ping"},{"jsonrpc":"2.0","id":2,"method":"ping","params":"x"},7]').map((i) => i.kind), ['message', 'invalidRequest', 'dropped']);
  });
});

describe('LineFramer', () => {
  it('joins lines split across chunks and skips a line over the limit without keeping it', () => {
    const lines: string[] = [];
    const skipped: number[] = [];
    const framer = new LineFramer(10, (l) => lines.push(l.toString()), (n) => skipped.push(n));
    framer.push(Buffer.from('ab'));
    framer.push(Buffer.from('c\nde'));
    framer.push(Buffer.from('f\n0123456'));
    framer.push(Buffer.from('789abcdef'));
    framer.push(Buffer.from('ghi\nok\n'));
    assert.deepEqual(lines, ['abc', 'def', 'ok']);
    assert.deepEqual(skipped, [19]);
  });
});
