import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { WEBVIEW_COMMANDS, parseWebviewMessage } from '../../src/shared/protocol';

const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
  contributes: { commands: Array<{ command: string }> };
};
const contributed = new Set(manifest.contributes.commands.map((c) => c.command));

describe('commands a webview may run', () => {
  it('are all real commands the extension contributes', () => {
    for (const name of WEBVIEW_COMMANDS) assert.ok(contributed.has(`mcpApprovalHost.${name}`), `mcpApprovalHost.${name} is not in package.json`);
  });

  it('refuses a command name that is not on the list', () => {
    assert.equal(parseWebviewMessage({ type: 'command', command: 'openResultJson' }), undefined);
    assert.equal(parseWebviewMessage({ type: 'command', command: 'workbench.action.terminal.new' }), undefined);
  });

  it('carries the tool result panel\'s "Open as JSON" as its own message, not as a command', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'openResultJson' }), { type: 'openResultJson' });
  });
});
