// Unit tests of the chat gateway's pure parts: the names it reports (VS Code's
// tool prefix) and its door (Host, Origin, secret).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkAccess, newSecret, SECRET_HEADER } from '../../src/host/gateway/access';
import { distinctNames, gatewayServerName } from '../../src/host/gateway/names';

describe('gateway server names', () => {
  it('reduces the real name to characters a tool name allows', () => {
    assert.equal(gatewayServerName('My Demo Server!', 'demo'), 'my_demo_server');
    assert.equal(gatewayServerName('  ../../etc <script>', 'x'), 'etc_script');
    assert.equal(gatewayServerName('Café-Ünïcode', 'x'), 'cafe-unicode');
    assert.equal(gatewayServerName('a'.repeat(80), 'x'), 'a'.repeat(32));
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
    assert.equal(long.get('b'), `${'x'.repeat(30)}_2`);
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
