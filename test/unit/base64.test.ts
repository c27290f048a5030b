import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { base64Bytes, isBase64 } from '../../src/shared/base64';

describe('isBase64', () => {
  it('accepts what Node encodes, for every padding length, and counts its bytes exactly', () => {
    for (let n = 0; n <= 64; n++) {
      const bytes = randomBytes(n);
      const data = bytes.toString('base64');
      assert.equal(isBase64(data), true, data);
      assert.equal(base64Bytes(data), n, data);
    }
  });

  it('rejects whitespace, a data: prefix, the base64url alphabet and other characters', () => {
    for (const data of ['aGVs bG8=', 'aGVsbG8=\n', 'data:image/png;base64,iVBORw0KGgo=', 'ab-_', 'abc!', 'not base64!"', 'aGVsbG8é']) {
      assert.equal(isBase64(data), false, JSON.stringify(data));
    }
  });

  it('rejects padding that is not at the end, more than two =, and lengths that are not a multiple of 4', () => {
    for (const data of ['aG=sbG8=', '=AAA', 'A===', '====', 'AAAAA===', 'aGVsbG8', 'aGVsbG8==', 'A', 'AA=']) {
      assert.equal(isBase64(data), false, data);
    }
  });

  it('applies the size limit in characters, inclusive', () => {
    assert.equal(isBase64('AAAA', 4), true);
    assert.equal(isBase64('AAAAAAAA', 4), false);
  });

  it('rejects what is not a string', () => {
    for (const data of [undefined, null, 42, ['AAAA'], { toString: () => 'AAAA' }]) assert.equal(isBase64(data), false);
  });

  it('checks an 8 MB payload without overflowing the regex stack', () => {
    const big = 'A'.repeat(8_000_000);
    assert.equal(isBase64(big), true);
    assert.equal(isBase64(`${big.slice(4)}AA!=`), false);
  });
});

describe('base64Bytes', () => {
  it('is never negative on malformed input', () => {
    assert.equal(base64Bytes('=='), 0);
    assert.equal(base64Bytes(''), 0);
  });
});
