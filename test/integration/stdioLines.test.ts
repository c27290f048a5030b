// The host's stdio transport reading what a real child process writes: CRLF
// line ends, blank lines, a non-JSON line and a message split across writes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JSONRPCMessage } from '@modelcontextprotocol/client';
import { HostStdioTransport } from '../../src/host/stdioTransport';

const SCRIPT = `
const out = (s) => new Promise((r) => process.stdout.write(s, r));
(async () => {
  await out('{"jsonrpc":"2.0","method":"notifications/one"}\\r\\n');
  await out(' \\r\\n\\r\\n\\t\\n');
  await out('hello from a log line\\r\\n');
  await out('{"jsonrpc":"2.0",');
  await new Promise((r) => setTimeout(r, 30));
  await out('"method":"notifications/two","params":{"text":"caf\\u00e9 \\ud83d\\ude00\\\\r"}}\\r\\n');
  process.stdin.resume();
})();
`;

describe('HostStdioTransport reading lines from a real process', () => {
  it('drops the CR of CRLF lines, skips blank lines, reports a non-JSON line without its CR', async () => {
    const transport = new HostStdioTransport({ command: process.execPath, args: ['-e', SCRIPT], stderr: 'ignore' });
    const messages: JSONRPCMessage[] = [];
    const errors: string[] = [];
    transport.onmessage = (m) => messages.push(m);
    transport.onerror = (e) => errors.push(e.message);
    await transport.start();
    try {
      const deadline = Date.now() + 10_000;
      while (messages.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      assert.deepEqual(messages, [
        { jsonrpc: '2.0', method: 'notifications/one' },
        // A CR inside a string is the server's text: kept.
        { jsonrpc: '2.0', method: 'notifications/two', params: { text: 'café 😀\r' } },
      ]);
      assert.deepEqual(errors, ['not JSON: hello from a log line'], 'blank lines say nothing; the log line is quoted without its CR');
    } finally {
      await transport.close();
    }
  });
});
