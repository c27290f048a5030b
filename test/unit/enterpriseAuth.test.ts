// Enterprise-managed authorization (SEP-990) through HostOAuthProvider and the
// SDK's auth(), against a real HTTP identity provider and authorization server
// on 127.0.0.1 (in this file): the stored ID token is exchanged for an ID-JAG
// (RFC 8693) and the ID-JAG for tokens (RFC 7523, client_secret_basic); no ID
// token and nobody asking → "Sign in required"; the browser sign-in at the IdP
// checks state and nonce; a refused ID token is forgotten.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import { auth } from '@modelcontextprotocol/client';
import { SignJWT } from 'jose';
import { idpCredentialKey, idTokenUsable } from '../../src/host/auth/enterprise';
import { credentialKey, HostOAuthProvider, JWT_BEARER_GRANT } from '../../src/host/auth/oauthProvider';
import { MemorySecretStore } from '../../src/host/auth/memorySecretStore';
import { withAuthorization } from '../../src/host/auth/signIn';
import { AuthFailedError, SignInRequiredError, type AuthorizationFlow } from '../../src/host/auth/types';
import { parseEntry } from '../../src/host/config';

const KEY = new TextEncoder().encode('test-signing-key-of-the-idp-0123456789');
const REDIRECT = 'http://127.0.0.1:1/callback';

let server: Server;
let base = '';
/** What the servers saw, and how they should behave. */
let seen: { exchanges: URLSearchParams[]; bearer: URLSearchParams[]; basic: string[]; authorize: URLSearchParams[] };
let behaviour: { refuseExchange?: boolean; nonce?: 'echo' | 'wrong' };

const idToken = (claims: Record<string, unknown>, expiresIn = '1h') =>
  new SignJWT({ sub: 'alice@example.com', aud: 'idp-client', ...claims }).setProtectedHeader({ alg: 'HS256' }).setIssuer(`${base}/idp`).setIssuedAt().setExpirationTime(expiresIn).sign(KEY);

async function body(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function json(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
}

const codes = new Map<string, string>();

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', base);
  switch (url.pathname) {
    case '/.well-known/oauth-protected-resource/mcp':
      return json(res, 200, { resource: `${base}/mcp`, authorization_servers: [`${base}/as`] });
    case '/.well-known/oauth-authorization-server/as':
      return json(res, 200, { issuer: `${base}/as`, authorization_endpoint: `${base}/as/authorize`, token_endpoint: `${base}/as/token`, response_types_supported: ['code'], grant_types_supported: [JWT_BEARER_GRANT], token_endpoint_auth_methods_supported: ['client_secret_basic'] });
    case '/.well-known/oauth-authorization-server/idp':
      return json(res, 200, { issuer: `${base}/idp`, authorization_endpoint: `${base}/idp/authorize`, token_endpoint: `${base}/idp/token`, response_types_supported: ['code'], code_challenge_methods_supported: ['S256'] });
    case '/idp/authorize': {
      seen.authorize.push(url.searchParams);
      const code = `code-${codes.size}`;
      codes.set(code, behaviour.nonce === 'wrong' ? 'another-nonce' : (url.searchParams.get('nonce') ?? ''));
      const back = new URL(url.searchParams.get('redirect_uri') ?? '');
      back.searchParams.set('code', code);
      back.searchParams.set('state', url.searchParams.get('state') ?? '');
      res.writeHead(302, { location: back.href }).end();
      return;
    }
    case '/idp/token': {
      const p = await body(req);
      if (p.get('grant_type') === 'authorization_code') {
        const nonce = codes.get(p.get('code') ?? '');
        if (nonce === undefined || !p.get('code_verifier')) return json(res, 400, { error: 'invalid_grant' });
        return json(res, 200, { access_token: 'idp-access', token_type: 'Bearer', id_token: await idToken({ nonce }) });
      }
      seen.exchanges.push(p);
      if (behaviour.refuseExchange) return json(res, 400, { error: 'invalid_grant', error_description: '<b>session revoked</b>' });
      return json(res, 200, { access_token: `jag-for-${p.get('resource')}`, issued_token_type: 'urn:ietf:params:oauth:token-type:id-jag', token_type: 'N_A' });
    }
    case '/as/token': {
      const p = await body(req);
      seen.bearer.push(p);
      seen.basic.push(Buffer.from((req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString('utf8'));
      if (p.get('grant_type') !== JWT_BEARER_GRANT) return json(res, 400, { error: 'unsupported_grant_type' });
      return json(res, 200, { access_token: `at-${p.get('assertion')}`, token_type: 'Bearer', expires_in: 3600 });
    }
  }
  res.writeHead(404).end();
}

/** Follows the IdP's redirect the way a browser would (no login page here). */
const browser: AuthorizationFlow = {
  redirectUrl: REDIRECT,
  async authorize(url) {
    const res = await fetch(url, { redirect: 'manual' });
    return new URL(res.headers.get('location') ?? '').searchParams;
  },
};
const noBrowser: AuthorizationFlow = { redirectUrl: REDIRECT, authorize: () => Promise.reject(new Error('no browser here')) };

function provider(store: MemorySecretStore, flow: AuthorizationFlow, interactive: boolean): HostOAuthProvider {
  const p = new HostOAuthProvider({
    server: 'corp',
    serverUrl: `${base}/mcp`,
    store,
    flow,
    clientName: 'test',
    clientId: 'mcp-client',
    clientSecret: 'mcp-secret',
    grant: 'enterprise',
    enterpriseIdp: { issuer: `${base}/idp`, clientId: 'idp-client' },
  });
  p.interactive = interactive;
  return p;
}

describe('enterprise-managed authorization (SEP-990)', () => {
  before(async () => {
    server = createServer((req, res) => void handle(req, res).catch((err: unknown) => res.writeHead(500).end(String(err))));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => server.close());
  beforeEach(() => {
    seen = { exchanges: [], bearer: [], basic: [], authorize: [] };
    behaviour = {};
    codes.clear();
  });

  it('exchanges the stored ID token for an ID-JAG and the ID-JAG for tokens, without a browser', async () => {
    const store = new MemorySecretStore();
    const p = provider(store, noBrowser, false);
    const token = await idToken({});
    await p.enterprise?.saveIdToken(token);
    assert.equal(await auth(p, { serverUrl: `${base}/mcp` }), 'AUTHORIZED');
    assert.equal(seen.exchanges.length, 1);
    const x = seen.exchanges[0];
    assert.equal(x.get('grant_type'), 'urn:ietf:params:oauth:grant-type:token-exchange');
    assert.equal(x.get('subject_token'), token);
    assert.equal(x.get('subject_token_type'), 'urn:ietf:params:oauth:token-type:id_token');
    assert.equal(x.get('requested_token_type'), 'urn:ietf:params:oauth:token-type:id-jag');
    assert.equal(x.get('audience'), `${base}/as`, "the ID-JAG's audience is the server's authorization server (its issuer)");
    assert.equal(x.get('resource'), `${base}/mcp`);
    assert.equal(x.get('client_id'), 'idp-client');
    assert.equal(seen.bearer[0].get('assertion'), `jag-for-${base}/mcp`);
    assert.equal(seen.basic[0], 'mcp-client:mcp-secret', 'client_secret_basic at the authorization server');
    assert.equal((await p.tokens())?.access_token, `at-jag-for-${base}/mcp`);
    assert.deepEqual([...store.values.keys()].sort(), [credentialKey(`${base}/mcp`), idpCredentialKey({ issuer: `${base}/idp`, clientId: 'idp-client' })].sort());
  });

  it('without an ID token and without the person asking, stops with "Sign in required" and asks nobody', async () => {
    const p = provider(new MemorySecretStore(), noBrowser, false);
    await assert.rejects(auth(p, { serverUrl: `${base}/mcp` }), SignInRequiredError);
    assert.equal(seen.exchanges.length + seen.bearer.length + seen.authorize.length, 0);
  });

  it('an expired ID token is not used: when the person signs in, the IdP sign-in runs in the browser (PKCE, state, nonce)', async () => {
    const store = new MemorySecretStore();
    const p = provider(store, browser, true);
    const expired = await idToken({}, '-2m');
    assert.equal(idTokenUsable(expired), false);
    await p.enterprise?.saveIdToken(expired);
    // The browser sign-in is not part of the attempt (whose connect deadline is short): the attempt
    // stops, withAuthorization waits for the IdP redirect, and the next attempt exchanges the ID token.
    await assert.rejects(auth(p, { serverUrl: `${base}/mcp` }), AuthFailedError);
    assert.equal(p.hasPendingAuthorization, true);
    assert.equal(await withAuthorization(p, () => auth(p, { serverUrl: `${base}/mcp` })), 'AUTHORIZED');
    const a = seen.authorize[0];
    assert.equal(a.get('client_id'), 'idp-client');
    assert.equal(a.get('scope'), 'openid');
    assert.equal(a.get('code_challenge_method'), 'S256');
    assert.ok(a.get('nonce') && a.get('state'));
    assert.notEqual(seen.exchanges[0].get('subject_token'), expired, 'the new ID token was exchanged');
    assert.equal(await p.enterprise?.isSignedIn(), true);
  });

  it('refuses an ID token that does not carry the nonce of this sign-in', async () => {
    behaviour.nonce = 'wrong';
    const p = provider(new MemorySecretStore(), browser, true);
    await assert.rejects(
      withAuthorization(p, () => auth(p, { serverUrl: `${base}/mcp` })),
      (err: unknown) => err instanceof AuthFailedError && /nonce/.test(err.message),
    );
    assert.equal(seen.exchanges.length, 0);
  });

  it('an ID token the IdP refuses is forgotten, and the error names the step without the server text', async () => {
    behaviour.refuseExchange = true;
    const store = new MemorySecretStore();
    const p = provider(store, noBrowser, false);
    await p.enterprise?.saveIdToken(await idToken({}));
    await assert.rejects(auth(p, { serverUrl: `${base}/mcp` }), (err: unknown) => err instanceof AuthFailedError && err.stage === 'token' && !err.message.includes('<b>'));
    assert.equal(await p.enterprise?.isSignedIn(), false);
    assert.equal(seen.bearer.length, 0);
  });

  it('never sends the ID token to a token endpoint off the issuer\'s origin', async () => {
    const store = new MemorySecretStore();
    const p = new HostOAuthProvider({
      server: 'corp',
      serverUrl: `${base}/mcp`,
      store,
      flow: noBrowser,
      clientName: 'test',
      clientId: 'mcp-client',
      grant: 'enterprise',
      enterpriseIdp: { issuer: `${base}/idp`, clientId: 'idp-client', tokenEndpoint: `${base.replace('127.0.0.1', 'localhost')}/idp/token` },
    });
    await p.enterprise?.saveIdToken(await idToken({}));
    await assert.rejects(auth(p, { serverUrl: `${base}/mcp` }), (err: unknown) => err instanceof AuthFailedError && err.stage === 'discovery');
    assert.equal(seen.exchanges.length, 0);
  });

  it('Sign Out forgets the server tokens and the IdP sign-in', async () => {
    const store = new MemorySecretStore();
    const p = provider(store, noBrowser, false);
    await p.enterprise?.saveIdToken(await idToken({}));
    await auth(p, { serverUrl: `${base}/mcp` });
    await p.signOut();
    assert.equal(store.values.size, 0);
  });

  it('the entry needs enterpriseIdp and a clientId for grant "enterprise"', () => {
    const ctx = { userHome: '/tmp', env: {}, workspaceFolder: undefined };
    const missing = parseEntry('corp', { type: 'http', url: 'https://mcp.example/mcp', grant: 'enterprise', clientId: 'c' }, ctx);
    assert.ok('issue' in missing && missing.issue.field === 'enterpriseIdp');
    const ok = parseEntry('corp', { type: 'http', url: 'https://mcp.example/mcp', grant: 'enterprise', clientId: 'c', enterpriseIdp: { issuer: 'https://login.example', clientId: 'i' } }, ctx);
    assert.ok('config' in ok && ok.config.type !== 'stdio' && ok.config.enterpriseIdp?.issuer === 'https://login.example');
    const elsewhere = parseEntry('corp', { type: 'http', url: 'https://mcp.example/mcp', grant: 'enterprise', clientId: 'c', enterpriseIdp: { issuer: 'https://login.example', clientId: 'i', tokenEndpoint: 'https://collector.example/token' } }, ctx);
    assert.ok('issue' in elsewhere && elsewhere.issue.field === 'enterpriseIdp.tokenEndpoint', 'the ID token goes only to its issuer');
    const secret = parseEntry('corp', { type: 'http', url: 'https://mcp.example/mcp', grant: 'enterprise', clientId: 'c', enterpriseIdp: { issuer: 'https://login.example', clientId: 'i', clientSecret: 'x' } }, ctx);
    assert.ok('issue' in secret, 'no IdP secret in settings either');
  });
});
