import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { candidatesFrom, claudeDesktopConfigPath, parseJsonc } from '../../src/host/importConfig';
import { LineSplitter, RingBuffer } from '../../src/host/lineSplitter';
import { toProtocolError, HostError, ErrorCode } from '../../src/host/errors';
import { parseWebviewMessage } from '../../src/shared/protocol';
import { toToolResultView } from '../../src/shared/toolResult';

describe('stderr lines', () => {
  it('splits chunks into lines across chunk boundaries', () => {
    const lines: string[] = [];
    const s = new LineSplitter((l) => lines.push(l));
    s.push('a\r\nb');
    s.push('c\n');
    s.push('tail');
    s.flush();
    assert.deepEqual(lines, ['a', 'bc', 'tail']);
  });
  it('caps a line without newline so memory stays bounded', () => {
    const lines: string[] = [];
    const s = new LineSplitter((l) => lines.push(l), 10);
    s.push('x'.repeat(25));
    assert.equal(lines.length, 1);
    assert.ok(lines[0].length < 60);
  });
  it('keeps only the last lines', () => {
    const r = new RingBuffer<number>(3);
    [1, 2, 3, 4, 5].forEach((n) => r.push(n));
    assert.deepEqual(r.toArray(), [3, 4, 5]);
  });
});

describe('errors', () => {
  it('maps a user rejection to code -1 with the spec message', () => {
    const e = toProtocolError(HostError.userRejected());
    assert.equal(e.code, ErrorCode.UserRejected);
    assert.equal(e.message, 'User rejected sampling request');
  });
  it('maps unknown errors to internal errors without stack traces', () => {
    const e = toProtocolError(new TypeError('bad'));
    assert.equal(e.code, -32603);
    assert.equal(e.message, 'Host error: bad');
  });
});

describe('import', () => {
  it('reads mcp.json servers with comments and trailing commas', () => {
    const c = candidatesFrom('{ // c\n "servers": { "a": { "command": "node", "args": ["x"], }, /* b */ },\n}', 'mcp.json');
    assert.deepEqual(c, [{ name: 'a', entry: { command: 'node', args: ['x'] }, source: 'mcp.json' }]);
  });
  it('reads Claude Desktop mcpServers and types URL entries as http', () => {
    const c = candidatesFrom('{"mcpServers": {"r": {"url": "https://x/mcp"}, "bad": 3}}', 'Claude Desktop');
    assert.deepEqual(c.map((x) => x.entry), [{ url: 'https://x/mcp', type: 'http' }]);
  });
  it('does not treat // inside strings as comments', () => {
    assert.deepEqual(parseJsonc('{"u": "http://x//y"}', 'test.json'), { u: 'http://x//y' });
  });
  it('knows where Claude Desktop keeps its config on each platform', () => {
    assert.match(claudeDesktopConfigPath('darwin', '/Users/me', {}), /Library\/Application Support\/Claude\/claude_desktop_config\.json$/);
    assert.match(claudeDesktopConfigPath('linux', '/home/me', {}), /\.config\/Claude\/claude_desktop_config\.json$/);
  });
});

describe('webview messages', () => {
  it('accepts only known messages and commands', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'ready' }), { type: 'ready' });
    assert.deepEqual(parseWebviewMessage({ type: 'command', command: 'addServer' }), { type: 'command', command: 'addServer' });
    assert.equal(parseWebviewMessage({ type: 'command', command: 'workbench.action.terminal.new' }), undefined);
    assert.equal(parseWebviewMessage('ready'), undefined);
    assert.equal(parseWebviewMessage({ type: 'eval', code: '1' }), undefined);
  });
});

describe('tool result view', () => {
  it('keeps text as text and structured content as JSON', () => {
    const v = toToolResultView('s', 't', { content: [{ type: 'text', text: '<img src=x onerror=alert(1)>' }], structuredContent: { sum: 3 } }, 5);
    assert.deepEqual(v.blocks[0], { kind: 'text', text: '<img src=x onerror=alert(1)>', truncated: false });
    assert.equal(v.blocks[1].kind, 'json');
  });
  it('shows images only for safe raster types with valid base64', () => {
    const v = toToolResultView('s', 't', { content: [
      { type: 'image', mimeType: 'image/png', data: 'iVBORw0KGgo=' },
      { type: 'image', mimeType: 'image/svg+xml', data: 'PHN2Zz4=' },
      { type: 'image', mimeType: 'image/png', data: 'not base64!"' },
      { type: 'image', mimeType: 'image/png', data: 'iVBORw0KGgo' },
      { type: 'audio', mimeType: 'audio/wav', data: 'UklG=RkY=' },
    ] }, 0);
    assert.deepEqual(v.blocks.map((b) => b.kind), ['image', 'note', 'note', 'note', 'note']);
  });
  it('marks isError and survives malformed results', () => {
    assert.equal(toToolResultView('s', 't', { isError: true, content: [] }, 0).isError, true);
    assert.equal(toToolResultView('s', 't', null, 0).blocks[0].kind, 'note');
    assert.equal(toToolResultView('s', 't', { content: [42, { type: 'weird' }] }, 0).blocks.every((b) => b.kind === 'note'), true);
  });
});

import { hasAutoStartServer } from '../../src/host/autoStart';

describe('lazy activation', () => {
  it('loads the core at start-up only for servers that start automatically', () => {
    assert.equal(hasAutoStartServer(undefined), false);
    assert.equal(hasAutoStartServer({}), false);
    assert.equal(hasAutoStartServer({ a: { command: 'x', autoStart: false }, b: { command: 'y', disabled: true } }), false);
    assert.equal(hasAutoStartServer({ a: { command: 'x' } }), true);
    assert.equal(hasAutoStartServer(['x']), false);
  });
});
