import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { protocolErrorLogger, PROTOCOL_LOG_BURST, PROTOCOL_LOG_LINE_CHARS, PROTOCOL_LOG_WINDOW_MS } from '../../src/host/protocolLog';
import { MemoryLog } from '../support/hostHarness';

describe('protocolErrorLogger', () => {
  it('writes one short line per error, at most a burst per window, then the count of the rest', () => {
    const log = new MemoryLog();
    let now = 0;
    const onerror = protocolErrorLogger(log, () => now);
    onerror(new Error(`multi\nline ${'x'.repeat(5 * 1024 * 1024)}`));
    assert.equal(log.lines.length, 1);
    assert.ok(log.lines[0].length < PROTOCOL_LOG_LINE_CHARS + 100 && !log.lines[0].includes('\n'));
    for (let i = 0; i < 1000; i++) onerror(new Error(`e${i}`));
    assert.equal(log.lines.length, PROTOCOL_LOG_BURST);
    now += PROTOCOL_LOG_WINDOW_MS;
    onerror(new Error('next window'));
    assert.match(log.lines.at(-2) ?? '', /^warn 981 more protocol errors not logged/);
    assert.equal(log.lines.at(-1), 'warn protocol error: next window');
  });
});
