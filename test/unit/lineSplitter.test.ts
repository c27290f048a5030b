import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LineSplitter } from '../../src/host/lineSplitter';

function collect(maxLineLength?: number): { lines: string[]; splitter: LineSplitter } {
  const lines: string[] = [];
  return { lines, splitter: new LineSplitter((l) => lines.push(l), maxLineLength) };
}

/** Pushes `bytes` one chunk of `size` bytes at a time, as a pipe may deliver them. */
function pushInChunks(splitter: LineSplitter, bytes: Buffer, size: number): void {
  for (let i = 0; i < bytes.length; i += size) splitter.push(bytes.subarray(i, i + size));
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe('stderr line splitting with multi-byte UTF-8', () => {
  it('keeps a 3-byte character that is split across two chunks', () => {
    const { lines, splitter } = collect();
    const bytes = Buffer.from('price: 5 €\n', 'utf8');
    const cut = bytes.indexOf(0xe2) + 1; // inside "€" (E2 82 AC)
    splitter.push(bytes.subarray(0, cut));
    splitter.push(bytes.subarray(cut));
    assert.deepEqual(lines, ['price: 5 €']);
  });

  it('keeps 4-byte emoji delivered one byte at a time', () => {
    const { lines, splitter } = collect();
    pushInChunks(splitter, Buffer.from('😀 ok 🚀\nnext ü\n', 'utf8'), 1);
    assert.deepEqual(lines, ['😀 ok 🚀', 'next ü']);
  });

  it('decodes every split position of a mixed line the same way', () => {
    const text = 'a€b😀c日本\r\n';
    const bytes = Buffer.from(text, 'utf8');
    for (let cut = 1; cut < bytes.length; cut++) {
      const { lines, splitter } = collect();
      splitter.push(bytes.subarray(0, cut));
      splitter.push(bytes.subarray(cut));
      assert.deepEqual(lines, ['a€b😀c日本'], `cut at byte ${cut}`);
    }
  });

  it('turns a truncated sequence at the end of the stream into one replacement character', () => {
    const { lines, splitter } = collect();
    splitter.push(Buffer.from([0x6f, 0x6b, 0xf0, 0x9f]));
    splitter.flush();
    assert.deepEqual(lines, ['ok\uFFFD']);
  });

  it('still caps a long line without a newline, and never cuts an emoji in half', () => {
    const { lines, splitter } = collect(10);
    // 'a' first, so that a cut after 10 UTF-16 units would land inside a surrogate pair.
    pushInChunks(splitter, Buffer.from(`a${'😀'.repeat(30)}`, 'utf8'), 7);
    splitter.flush();
    assert.ok(lines.length >= 1);
    for (const line of lines) {
      assert.ok(line.length < 60, line);
      assert.doesNotMatch(line, LONE_SURROGATE, `lone surrogate in ${JSON.stringify(line)}`);
    }
    assert.ok(lines[0].startsWith(`a${'😀'.repeat(4)}…`), lines[0]);
  });

  it('still accepts strings', () => {
    const { lines, splitter } = collect();
    splitter.push('one\ntw');
    splitter.push('o\n');
    assert.deepEqual(lines, ['one', 'two']);
  });
});
