// Unit tests of the chat gateway's pure parts: the names it reports (VS Code's
// tool prefix) and its door (Host, Origin, secret).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkAccess, newSecret, SECRET_HEADER } from '../../src/host/gateway/access';
import { distinctNames, gatewayServerName, matchListedTools, vscodeToolName, vscodeToolPrefix } from '../../src/host/gateway/names';

describe('gateway server names', () => {
  it('reduces the real name to characters a tool name allows', () => {
    assert.equal(gatewayServerName('My Demo!', 'demo'), 'my_demo');
    assert.equal(gatewayServerName('  ../../etc <script>', 'x'), 'etc_script');
    assert.equal(gatewayServerName('Café-Ünïcode', 'x'), 'cafe-unicode');
  });

  it('keeps at most the 13 characters VS Code puts in a tool prefix, without a trailing separator', () => {
    assert.equal(gatewayServerName('a'.repeat(80), 'x'), 'a'.repeat(13));
    // The demo server calls itself ops-assistant-demo: VS Code lists its tools as mcp_ops-assistant_<tool>.
    assert.equal(gatewayServerName('ops-assistant-demo', 'demo'), 'ops-assistant');
    assert.equal(gatewayServerName('My Demo Server!', 'demo'), 'my_demo_serve');
    assert.equal(gatewayServerName('chat-fixture-v1', 'x'), 'chat-fixture');
  });

  it('falls back to the configured name, then to "server"', () => {
    assert.equal(gatewayServerName(undefined, 'Files (api)'), 'files_api');
    assert.equal(gatewayServerName('日本語', '🙂'), 'server');
  });

  it('keeps names distinct in configuration order', () => {
    const names = distinctNames([
      { configured: 'a', reported: 'everything' },
      { configured: 'b', reported: 'Everything' },
      { configured: 'c', reported: 'everything' },
      { configured: 'd', reported: 'other' },
    ]);
    assert.deepEqual([...names.values()], ['everything', 'everything_2', 'everything_3', 'other']);
    const long = distinctNames([
      { configured: 'a', reported: 'x'.repeat(40) },
      { configured: 'b', reported: 'x'.repeat(40) },
    ]);
    assert.equal(long.get('b'), `${'x'.repeat(11)}_2`);
    // Distinct in their first 13 characters, so VS Code gives each its own prefix.
    const alike = distinctNames([
      { configured: 'a', reported: 'ops-assistant-demo' },
      { configured: 'b', reported: 'ops-assistant-prod' },
    ]);
    assert.deepEqual([...alike.values()], ['ops-assistant', 'ops-assista_2']);
  });
});

describe("VS Code's names for a gateway server's tools", () => {
  it('prefixes mcp_ and the first 13 characters of the name the server reports, then an index when the 13 are taken', () => {
    assert.equal(vscodeToolPrefix('ops-assistant-demo'), 'mcp_ops-assistant_');
    assert.equal(vscodeToolPrefix('demo'), 'mcp_demo_');
    assert.equal(vscodeToolPrefix('My Server.v2'), 'mcp_my_server.v2_');
    assert.equal(vscodeToolPrefix('ops-assistant', 2), 'mcp_ops-assistan2_');
    assert.equal(vscodeToolPrefix('demo', 3), 'mcp_demo3_');
    for (const name of ['ops-assistant-demo', 'x'.repeat(40), 'demo']) for (const i of [1, 2, 12]) assert.ok(vscodeToolPrefix(name, i).length <= 18);
  });

  it('turns dots into underscores and cuts names at 64 characters', () => {
    assert.equal(vscodeToolName('mcp_demo_', 'files.read'), 'mcp_demo_files_read');
    assert.equal(vscodeToolName('mcp_demo_', 't'.repeat(100)).length, 64);
  });

  it("finds a server's tools among those VS Code lists, under the first index that has them", () => {
    const listed = ['run_in_terminal', 'mcp_ops-assistant_summarize_text', 'mcp_ops-assistant_book_trip', 'mcp_other_summarize_text'];
    assert.deepEqual(
      [...matchListedTools('ops-assistant', ['summarize_text', 'book_trip', 'not_listed'], listed)],
      [['mcp_ops-assistant_summarize_text', 'summarize_text'], ['mcp_ops-assistant_book_trip', 'book_trip']],
    );
    // Another server of VS Code's own took the plain prefix first, with other tools: ours is index 2.
    const second = ['mcp_ops-assistant_other_tool', 'mcp_ops-assistan2_summarize_text'];
    assert.deepEqual([...matchListedTools('ops-assistant', ['summarize_text'], second).keys()], ['mcp_ops-assistan2_summarize_text']);
    assert.equal(matchListedTools('ops-assistant', ['summarize_text'], ['mcp_ops-assistant-demo_summarize_text']).size, 0);
    assert.equal(matchListedTools('demo', [], listed).size, 0);
  });
});

describe('gateway door', () => {
  const secret = newSecret();
  const request = (headers: Record<string, string>) => new Request('http://127.0.0.1:4000/mcp/demo', { method: 'POST', headers: { host: '127.0.0.1:4000', ...headers } });

  it('makes a new 256-bit secret each time', () => {
    assert.notEqual(newSecret(), secret);
    assert.equal(Buffer.from(secret, 'base64url').length, 32);
  });

  it('lets in a loopback request with the secret, with or without a loopback Origin', () => {
    assert.equal(checkAccess(request({ [SECRET_HEADER]: secret }), secret), undefined);
    assert.equal(checkAccess(request({ [SECRET_HEADER]: secret, host: 'localhost:4000' }), secret), undefined);
    assert.equal(checkAccess(request({ [SECRET_HEADER]: secret, origin: 'http://127.0.0.1:8080' }), secret), undefined);
  });

  it('refuses a missing, wrong, shorter or longer secret with 401', () => {
    for (const given of [undefined, 'nope', secret.slice(0, -1), `${secret}x`, '']) {
      const refusal = checkAccess(request(given === undefined ? {} : { [SECRET_HEADER]: given }), secret);
      assert.equal(refusal?.status, 401, String(given));
      assert.ok(!refusal.reason.includes(secret));
    }
  });

  it('refuses a foreign Host or Origin before looking at the secret', () => {
    const host = checkAccess(request({ host: 'attacker.example:4000', [SECRET_HEADER]: secret }), secret);
    assert.equal(host?.status, 403);
    assert.match(host.reason, /Host/);
    const origin = checkAccess(request({ origin: 'https://attacker.example', [SECRET_HEADER]: secret }), secret);
    assert.equal(origin?.status, 403);
    assert.match(origin.reason, /Origin/);
    assert.equal(checkAccess(request({ origin: 'null', [SECRET_HEADER]: secret }), secret)?.status, 403);
  });
});
