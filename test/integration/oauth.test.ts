// Sign-in against a real OAuth-protected fixture (test/fixtures/oauth-server.mjs:
// MCP endpoint + its own authorization server on 127.0.0.1) through the host's
// McpConnection and HostOAuthProvider: discovery, dynamic registration, PKCE,
// consent, tokens in the secret store only, reuse, refresh, sign-out.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { auth } from '@modelcontextprotocol/client';
import { McpConnection, type ConnectionDeps } from '../../src/host/connection';
import { LoopbackRedirect } from '../../src/host/auth/loopback';
import { credentialKey, HostOAuthProvider } from '../../src/host/auth/oauthProvider';
import { AuthFailedError, SignInRequiredError, type AuthorizationFlow } from '../../src/host/auth/types';
import { MemorySecretStore } from '../../src/host/auth/memorySecretStore';
import { Emitter } from '../../src/host/events';
import type { ServerManagerDeps } from '../../src/host/serverManager';
import { configs, createTestHost, MemoryLog, refuseAll, startHttpFixture, waitFor } from '../support/hostHarness';

const REDIRECT = 'http://127.0.0.1:33418/callback';

/** A person in a browser: loads the consent page, clicks Allow (or Deny), lands on the redirect. */
function person(choice: 'allow' | 'deny', opened: URL[] = [], tamper?: (p: URLSearchParams) => void): AuthorizationFlow {
  return {
    redirectUrl: REDIRECT,
    async authorize(url, signal) {
      opened.push(url);
      const page = await (await fetch(url, { signal })).text();
      const link = new RegExp(`id="${choice}" href="([^"]+)"`).exec(page)?.[1];
      assert.ok(link, `consent page has a ${choice} link: ${page}`);
      const redirect = await fetch(new URL(link, url), { redirect: 'manual', signal });
      const params = new URL(redirect.headers.get('location') ?? '').searchParams;
      tamper?.(params);
      return params;
    },
  };
}

type HttpEntry = ReturnType<typeof configs>[number] & { type: 'http' };

/**
 * The OAuth fixture for the enclosing describe block: started before its
 * tests (with `args`), stopped after them. `entry` is the fixture as the HTTP
 * server `server` of the settings; `stats()` reads the fixture's counters.
 */
function useOAuthFixture(server: string, args: string[] = []) {
  let fixture: Awaited<ReturnType<typeof startHttpFixture>> | undefined;
  let entry: HttpEntry | undefined;
  before(async () => {
    fixture = await startHttpFixture('oauth-server.mjs', args);
    entry = configs({ [server]: { type: 'http', url: fixture.url } })[0] as HttpEntry;
  });
  after(() => fixture?.stop());
  const started = () => {
    assert.ok(fixture && entry, 'the OAuth fixture has started');
    return { fixture, entry };
  };
  return {
    get url(): string {
      return started().fixture.url;
    },
    get entry(): HttpEntry {
      return started().entry;
    },
    stats: async () => (await (await fetch(new URL('/stats', started().fixture.url))).json()) as Record<string, number>,
  };
}

/** Opens `entry` with `provider` for sign-in; sampling and elicitation are refused. */
function connect(entry: HttpEntry, provider: HostOAuthProvider, connectTimeoutMs = 15_000): Promise<McpConnection> {
  const deps: ConnectionDeps = {
    clientInfo: { name: 'test', version: '0' },
    log: new MemoryLog(),
    onStderrLine: () => undefined,
    sampling: refuseAll,
    elicitation: refuseAll,
    roots: { roots: () => [], onDidChangeRoots: new Emitter<void>().event },
    connectTimeoutMs,
    auth: async () => provider,
  };
  return McpConnection.open(entry, deps);
}

/** The host's `auth` dependency for plain OAuth: one provider per server, signing in through `flow`. */
function oauthFor(store: MemorySecretStore, flow: AuthorizationFlow): NonNullable<ServerManagerDeps['auth']> {
  return async (server, config, interactive) => {
    const provider = new HostOAuthProvider({ server, serverUrl: config.url, store, flow, clientName: 'test host' });
    provider.interactive = interactive;
    return provider;
  };
}

describe('OAuth sign-in against a local protected server', () => {
  const fixture = useOAuthFixture('remote', ['--token-ttl', '2']);
  const stats = fixture.stats;

  function open(store: MemorySecretStore, flow: AuthorizationFlow, interactive: boolean): Promise<McpConnection> {
    const provider = new HostOAuthProvider({ server: 'remote', serverUrl: fixture.url, store, flow, clientName: 'test host' });
    provider.interactive = interactive;
    return connect(fixture.entry, provider);
  }

  it('without a person at hand it stops at "sign in required" and opens nothing', async () => {
    const opened: URL[] = [];
    await assert.rejects(open(new MemorySecretStore(), person('allow', opened), false), SignInRequiredError);
    assert.equal(opened.length, 0);
    assert.equal((await stats()).authorizeRequests, 0);
    assert.equal((await stats()).registrations, 0, 'no dynamic client registration before Sign In');
  });

  it('signs in, calls a tool, and keeps the tokens in the secret store only, keyed by issuer', async () => {
    const store = new MemorySecretStore();
    const opened: URL[] = [];
    const c = await open(store, person('allow', opened), true);
    const result = await c.callTool('echo', { text: 'hi' }, { idleTimeoutMs: 10_000, maxTotalMs: 20_000 });
    assert.deepEqual(result.content, [{ type: 'text', text: 'echo: hi' }]);
    await c.close();
    assert.equal(opened.length, 1);
    const url = opened[0];
    assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
    assert.equal(url.searchParams.get('resource'), fixture.url);
    assert.equal(url.searchParams.get('scope'), 'mcp:tools');
    const record = JSON.parse(store.values.get(credentialKey(fixture.url)) ?? '{}');
    const issuer = new URL(fixture.url).origin;
    assert.equal(record.current, issuer);
    assert.ok(record.issuers[issuer].tokens.access_token);
    assert.ok(record.issuers[issuer].client.client_id);
    assert.deepEqual([...store.values.keys()], [credentialKey(fixture.url)]);

    // Stored tokens are used again, and refreshed once they expire: no new consent.
    const again = await open(store, person('allow', opened), false);
    await again.close();
    await new Promise((r) => setTimeout(r, 2100));
    const before = (await stats()).refreshes;
    const refreshed = await open(store, person('allow', opened), false);
    await refreshed.callTool('echo', { text: 'after refresh' }, { idleTimeoutMs: 10_000, maxTotalMs: 20_000 });
    await refreshed.close();
    assert.equal(opened.length, 1, 'no second consent');
    assert.equal((await stats()).refreshes, before + 1);
  });

  it('requests that meet an expired token together refresh one after the other, and nobody is signed out', async () => {
    const store = new MemorySecretStore();
    const c = await open(store, person('allow'), true);
    await c.close();
    await new Promise((r) => setTimeout(r, 2100));
    const provider = new HostOAuthProvider({ server: 'remote', serverUrl: fixture.url, store, flow: person('allow'), clientName: 'test host' });
    const before = (await stats()).refreshes;
    // What the transport does on three simultaneous 401s (the lists after the handshake).
    const results = await Promise.allSettled([1, 2, 3].map(() => auth(provider, { serverUrl: fixture.url })));
    assert.deepEqual(
      results.map((r) => (r.status === 'fulfilled' ? r.value : String(r.reason))),
      ['AUTHORIZED', 'AUTHORIZED', 'AUTHORIZED'],
    );
    assert.equal((await stats()).refreshes, before + 3, 'each refresh used the refresh token the one before it got');
    assert.ok(await provider.isSignedIn());
  });

  it('names the step when consent is denied, and a redirect that is not ours', async () => {
    await assert.rejects(open(new MemorySecretStore(), person('deny'), true), (err: unknown) => err instanceof AuthFailedError && err.stage === 'consent' && /denied/.test(err.message));
    const forged = person('allow', [], (p) => p.set('state', 'forged'));
    await assert.rejects(open(new MemorySecretStore(), forged, true), (err: unknown) => err instanceof AuthFailedError && /state mismatch/.test(err.message));
  });

  it('sign-out forgets the credentials: sign-in is required again', async () => {
    const store = new MemorySecretStore();
    const provider = new HostOAuthProvider({ server: 'remote', serverUrl: fixture.url, store, flow: person('allow'), clientName: 'test host' });
    (await open(store, person('allow'), true)).dispose();
    assert.ok(store.values.size === 1);
    await provider.signOut();
    assert.equal(store.values.size, 0);
    await assert.rejects(open(store, person('allow'), false), SignInRequiredError);
  });

  it('the server manager shows "sign in required" at start-up and runs after Sign In', async () => {
    const store = new MemorySecretStore();
    const opened: URL[] = [];
    const h = createTestHost({ auth: oauthFor(store, person('allow', opened)) });
    try {
      h.manager.applyConfig(configs({ remote: { type: 'http', url: fixture.url } }), true);
      await waitFor(h.manager, () => h.manager.get('remote')?.signIn?.required === true, 15_000, 'sign in required');
      assert.equal(h.manager.get('remote')?.state.kind, 'stopped');
      assert.equal(opened.length, 0, 'no browser at start-up');
      await h.manager.signIn('remote');
      assert.equal(h.manager.get('remote')?.state.kind, 'running');
      assert.equal(h.manager.get('remote')?.signIn, undefined);
      assert.deepEqual((await h.manager.callTool('remote', 'echo', { text: 'signed in' })).content, [{ type: 'text', text: 'echo: signed in' }]);
    } finally {
      await h.dispose();
    }
  });

  it('Sign In names the failed step when consent is denied', async () => {
    const h = createTestHost({ auth: oauthFor(new MemorySecretStore(), person('deny')) });
    try {
      h.manager.applyConfig(configs({ remote: { type: 'http', url: fixture.url, autoStart: false } }), true);
      await assert.rejects(h.manager.signIn('remote'), (err: unknown) => err instanceof AuthFailedError && err.stage === 'consent');
      assert.equal(h.manager.get('remote')?.signIn?.failure?.stage, 'consent');
    } finally {
      await h.dispose();
    }
  });

  it('signs in through a loopback redirect on 127.0.0.1 (registered without a port)', async () => {
    const loopback = new LoopbackRedirect();
    await loopback.listen();
    // The browser: the consent page, Allow, and the redirect lands on the loopback listener.
    const flow: AuthorizationFlow = {
      redirectUrl: loopback.redirectUrl,
      registeredRedirectUrl: loopback.registeredRedirectUrl,
      async authorize(url, signal) {
        const redirect = loopback.wait(url.searchParams.get('state') ?? '', signal);
        const page = await (await fetch(url)).text();
        const allow = /id="allow" href="([^"]+)"/.exec(page)?.[1] ?? '';
        const landed = await fetch(new URL(allow, url));
        assert.equal(landed.status, 200);
        return redirect;
      },
    };
    const store = new MemorySecretStore();
    const c = await open(store, flow, true);
    await c.close();
    const record = JSON.parse(store.values.get(credentialKey(fixture.url)) ?? '{}');
    assert.deepEqual(record.issuers[new URL(fixture.url).origin].client.redirect_uris, ['http://127.0.0.1/callback']);
  });
});

describe('enterprise-managed sign-in (SEP-990) against the local IdP and protected server', () => {
  const fixture = useOAuthFixture('corp');
  const stats = fixture.stats;

  /** The entry a person would write, with the client secret from secret storage. */
  function provider(store: MemorySecretStore, flow: AuthorizationFlow, interactive: boolean): HostOAuthProvider {
    const p = new HostOAuthProvider({
      server: 'corp',
      serverUrl: fixture.url,
      store,
      flow,
      clientName: 'test host',
      clientId: 'enterprise-client',
      clientSecret: 'enterprise-secret',
      grant: 'enterprise',
      enterpriseIdp: { issuer: new URL('/idp', fixture.url).href, clientId: 'idp-public-client' },
    });
    p.interactive = interactive;
    return p;
  }

  function open(p: HostOAuthProvider, connectTimeoutMs = 15_000): Promise<McpConnection> {
    return connect(fixture.entry, p, connectTimeoutMs);
  }

  /** A person who takes `ms` on the IdP's sign-in page before pressing Allow. */
  function slowPerson(ms: number, opened: URL[]): AuthorizationFlow {
    const inner = person('allow', opened);
    return { redirectUrl: REDIRECT, authorize: async (url, signal) => (await new Promise((r) => setTimeout(r, ms)), inner.authorize(url, signal)) };
  }

  it('at start-up, without an IdP sign-in, it stops at "sign in required" and asks no one', async () => {
    const opened: URL[] = [];
    await assert.rejects(open(provider(new MemorySecretStore(), person('allow', opened), false)), SignInRequiredError);
    const s = await stats();
    assert.equal(opened.length + s.idpSignIns + s.idpExchanges + s.jwtBearerGrants + s.registrations, 0);
  });

  it('Sign In: the IdP page in the browser (slower than the connect deadline), token exchange, JWT-bearer grant, a tool call; later starts need no browser', async () => {
    const store = new MemorySecretStore();
    const opened: URL[] = [];
    const c = await open(provider(store, slowPerson(7000, opened), true), 5000);
    const result = await c.callTool('echo', { text: 'corp' }, { idleTimeoutMs: 10_000, maxTotalMs: 20_000 });
    assert.deepEqual(result.content, [{ type: 'text', text: 'echo: corp' }]);
    await c.close();
    assert.equal(opened.length, 1);
    assert.equal(`${opened[0].origin}${opened[0].pathname}`, new URL('/idp/authorize', fixture.url).href);
    assert.ok(opened[0].searchParams.get('nonce'));
    let s = await stats();
    assert.deepEqual([s.idpSignIns, s.idpExchanges, s.jwtBearerGrants, s.registrations], [1, 1, 1, 0]);
    assert.equal(store.values.size, 2, 'the server tokens and the IdP sign-in, in the secret store only');
    assert.ok([...store.values.values()].some((v) => v.includes(String(s.lastAccessToken))));

    // A fresh start (no person): the stored server tokens work; with them gone, the stored ID token is exchanged again.
    const again = await open(provider(store, person('allow', opened), false));
    await again.close();
    const p = provider(store, person('allow', opened), false);
    await store.delete(credentialKey(fixture.url));
    const third = await open(p);
    await third.close();
    s = await stats();
    assert.deepEqual([opened.length, s.idpSignIns, s.idpExchanges, s.jwtBearerGrants], [1, 1, 2, 2]);

    await p.signOut();
    assert.equal(store.values.size, 0);
    await assert.rejects(open(provider(store, person('allow', opened), false)), SignInRequiredError);
  });
});
