// The 2025-03-26 tolerance of legacyDiscovery.ts against a real HTTP server on
// 127.0.0.1: a server without protected resource metadata whose root metadata
// names a same-origin issuer with a path is usable; the same metadata behind
// protected resource metadata (the modern path), or an issuer on another
// origin, is still refused as the SDK refuses it (RFC 8414 §3.3).
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import { auth, IssuerMismatchError } from '@modelcontextprotocol/client';
import { legacyDiscovery } from '../../src/host/auth/legacyDiscovery';
import { MemorySecretStore } from '../../src/host/auth/memorySecretStore';
import { HostOAuthProvider } from '../../src/host/auth/oauthProvider';
import { withAuthorization } from '../../src/host/auth/signIn';
import type { AuthorizationFlow } from '../../src/host/auth/types';

let server: Server;
let origin = '';
let mode: { prm: boolean; issuer: () => string };
let registrations: string[];

const mismatch = (e: unknown) => e instanceof IssuerMismatchError && e.kind === 'metadata';

describe('2025-03-26 discovery (no protected resource metadata, issuer with a path)', () => {
  before(async () => {
    server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', origin);
      const json = (v: unknown) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(v));
      if (url.pathname.startsWith('/.well-known/oauth-protected-resource') && mode.prm) return json({ resource: `${origin}/mcp`, authorization_servers: [`${origin}/`] });
      if (url.pathname === '/.well-known/oauth-authorization-server') {
        return json({ issuer: mode.issuer(), authorization_endpoint: `${origin}/oauth/authorize`, token_endpoint: `${origin}/oauth/token`, registration_endpoint: `${origin}/oauth/register`, response_types_supported: ['code'], code_challenge_methods_supported: ['S256'] });
      }
      if (url.pathname === '/oauth/register') {
        registrations.push(url.pathname);
        res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ client_id: 'c1', redirect_uris: ['http://127.0.0.1/callback'] }));
        return;
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => server.close());
  beforeEach(() => {
    registrations = [];
    mode = { prm: false, issuer: () => `${origin}/oauth` };
  });

  /** An interactive provider whose "browser" records where it was sent. */
  function provider(opened: URL[]): HostOAuthProvider {
    const flow: AuthorizationFlow = {
      redirectUrl: 'http://127.0.0.1:5000/callback',
      registeredRedirectUrl: 'http://127.0.0.1/callback',
      authorize: (url) => {
        opened.push(url);
        return new Promise(() => undefined);
      },
    };
    const p = new HostOAuthProvider({ server: 'legacy', serverUrl: `${origin}/mcp`, store: new MemorySecretStore(), flow, clientName: 'test' });
    p.interactive = true;
    return p;
  }

  it('the SDK refuses the metadata; the legacy path then uses it, with its endpoints under the path', async () => {
    const opened: URL[] = [];
    const p = provider(opened);
    const err = await auth(p, { serverUrl: `${origin}/mcp` }).then(() => undefined, (e: unknown) => e);
    assert.ok(mismatch(err), 'SDK 2.4.0 applies RFC 8414 §3.3 to the legacy path');
    assert.equal(await p.acceptLegacyMetadata(err), true);
    assert.equal(await auth(p, { serverUrl: `${origin}/mcp` }), 'REDIRECT');
    assert.equal(`${opened[0].origin}${opened[0].pathname}`, `${origin}/oauth/authorize`);
    assert.deepEqual(registrations, ['/oauth/register']);
    assert.equal(p.hasPendingAuthorization, true);
    p.dispose();
  });

  it('withAuthorization gets past it on its own and stops at the browser', async () => {
    const opened: URL[] = [];
    const p = provider(opened);
    // Like the transport: a started redirect ends the attempt with an error.
    const attempt = async () => {
      if ((await auth(p, { serverUrl: `${origin}/mcp` })) === 'REDIRECT') throw new Error('unauthorized');
    };
    // The redirect never comes back here: the wait is what shows the flow went on.
    const outcome = await Promise.race([withAuthorization(p, attempt).then(() => 'done', () => 'failed'), new Promise((r) => setTimeout(() => r('waiting for the browser'), 500))]);
    assert.equal(outcome, 'waiting for the browser');
    assert.equal(opened.length, 1);
    p.dispose();
  });

  it('the modern path (protected resource metadata present) still refuses an issuer mismatch', async () => {
    mode.prm = true;
    const opened: URL[] = [];
    const p = provider(opened);
    const err = await auth(p, { serverUrl: `${origin}/mcp` }).then(() => undefined, (e: unknown) => e);
    assert.ok(mismatch(err));
    assert.equal(await legacyDiscovery(`${origin}/mcp`, err), undefined);
    await assert.rejects(withAuthorization(p, () => auth(p, { serverUrl: `${origin}/mcp` })), mismatch);
    assert.equal(opened.length, 0, 'no browser');
    assert.deepEqual(registrations, [], 'no registration with the mismatched metadata');
  });

  it('an issuer on another origin is refused on the legacy path too', async () => {
    mode.issuer = () => 'https://attacker.example.com/oauth';
    const opened: URL[] = [];
    const p = provider(opened);
    await assert.rejects(withAuthorization(p, () => auth(p, { serverUrl: `${origin}/mcp` })), mismatch);
    assert.equal(opened.length + registrations.length, 0);
  });

  it('only a metadata mismatch qualifies', async () => {
    assert.equal(await legacyDiscovery(`${origin}/mcp`, new Error('something else')), undefined);
    assert.equal(await legacyDiscovery(`${origin}/mcp`, new IssuerMismatchError('authorization_response', `${origin}/`, `${origin}/oauth`)), undefined);
  });
});
