import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { safeText } from '../../src/extension/approvalText';

describe('approval text from a repository', () => {
  it('escapes codicon and link syntax', () => {
    assert.equal(safeText('$(check) [Fix](command:x)'), '\\$(check) \\[Fix\\](command:x)');
  });
  it('shows bidi overrides and zero-width characters instead of hiding them', () => {
    assert.equal(safeText('rm\u202e-rf\u200b'), 'rm\\u{202e}-rf\\u{200b}');
  });
  it('turns control characters into spaces and cuts long text', () => {
    assert.equal(safeText('a\nb\u0007c'), 'a b c');
    assert.equal(safeText('x'.repeat(10), 5), 'xxxx…');
  });
});
