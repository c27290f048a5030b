// HostOAuthProvider's storage: credentials keyed by the authorization server's
// issuer (SEP-2352), the current set for the resource server, sign-out, and a
// registration for another redirect URI treated as absent.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { credentialKey, HostOAuthProvider } from '../../src/host/auth/oauthProvider';
import { SignInRequiredError, type AuthorizationFlow, type SecretStore } from '../../src/host/auth/types';
import { MemorySecretStore } from '../../src/host/auth/memorySecretStore';

const flow = (redirectUrl = 'http://127.0.0.1:5555/callback', registeredRedirectUrl?: string): AuthorizationFlow => ({ redirectUrl, registeredRedirectUrl, authorize: () => Promise.reject(new Error('no browser')) });
const SERVER = 'https://mcp.example.com/mcp';
const provider = (store: SecretStore, f = flow()) => new HostOAuthProvider({ server: 's', serverUrl: SERVER, store, flow: f, clientName: 'test' });

describe('HostOAuthProvider', () => {
  it('keeps client and tokens per issuer; without ctx the current tokens are read', async () => {
    const store = new MemorySecretStore();
    const p = provider(store);
    p.interactive = true;
    const as1 = { issuer: 'https://as1.example' };
    const as2 = { issuer: 'https://as2.example' };
    await p.saveClientInformation({ client_id: 'one', redirect_uris: ['http://127.0.0.1:5555/callback'] }, as1);
    await p.saveTokens({ access_token: 't1', token_type: 'Bearer' }, as1);
    assert.equal((await p.clientInformation(as2)), undefined, 'another authorization server gets no client id');
    assert.equal(await p.tokens(as2), undefined, 'nor tokens');
    await p.saveClientInformation({ client_id: 'two', redirect_uris: ['http://127.0.0.1:5555/callback'] }, as2);
    await p.saveTokens({ access_token: 't2', token_type: 'Bearer' }, as2);
    assert.equal((await p.clientInformation(as1))?.client_id, 'one');
    assert.equal((await p.tokens())?.access_token, 't2', 'the last saved set is current');
    assert.deepEqual([...store.values.keys()], [credentialKey(SERVER)]);
  });

  it('treats a registration for another redirect URI as absent, so the SDK registers again', async () => {
    const store = new MemorySecretStore();
    await provider(store).saveClientInformation({ client_id: 'old', redirect_uris: ['vscode://x/auth-callback'] }, { issuer: 'https://as' });
    const loopback = provider(store, flow('http://127.0.0.1:4000/callback', 'http://127.0.0.1/callback'));
    loopback.interactive = true;
    assert.equal(await loopback.clientInformation({ issuer: 'https://as' }), undefined);
    assert.deepEqual(loopback.clientMetadata.redirect_uris, ['http://127.0.0.1/callback']);
  });

  it('uses pre-registered credentials as given and never stores them', async () => {
    const store = new MemorySecretStore();
    const p = new HostOAuthProvider({ server: 's', serverUrl: SERVER, store, flow: flow(), clientName: 'test', clientId: 'pre', clientSecret: 'sec' });
    await p.saveClientInformation({ client_id: 'pre', client_secret: 'sec', issuer: 'https://as' }, { issuer: 'https://as' });
    assert.deepEqual(await p.clientInformation({ issuer: 'https://as' }), { client_id: 'pre', client_secret: 'sec' });
    assert.equal(p.clientMetadata.token_endpoint_auth_method, 'client_secret_basic');
    assert.equal(store.values.size, 0);
  });

  it('opens no browser unless interactive, and signs out by deleting its record', async () => {
    const store = new MemorySecretStore();
    const p = provider(store);
    assert.throws(() => p.redirectToAuthorization(new URL('https://as/authorize?state=x')), SignInRequiredError);
    assert.equal(p.hasPendingAuthorization, false);
    await p.saveTokens({ access_token: 't', token_type: 'Bearer' }, { issuer: 'https://as' });
    await p.signOut();
    assert.equal(store.values.size, 0);
    assert.equal(await p.tokens(), undefined);
  });

  it('registers no client before the person signs in: without one, a non-interactive provider needs sign-in', async () => {
    const store = new MemorySecretStore();
    const p = provider(store);
    await assert.rejects(p.clientInformation({ issuer: 'https://as' }), SignInRequiredError);
    p.interactive = true;
    assert.equal(await p.clientInformation({ issuer: 'https://as' }), undefined, 'Sign In may register');
    await p.saveClientInformation({ client_id: 'kept', redirect_uris: ['http://127.0.0.1:5555/callback'] }, { issuer: 'https://as' });
    p.interactive = false;
    assert.equal((await p.clientInformation({ issuer: 'https://as' }))?.client_id, 'kept', 'a stored client is used at start-up');
    const machine = new HostOAuthProvider({ server: 's', serverUrl: SERVER, store: new MemorySecretStore(), flow: flow(), clientName: 'test', grant: 'client_credentials' });
    assert.equal(await machine.clientInformation({ issuer: 'https://as' }), undefined, 'a machine client has no person to wait for');
  });

  it('a machine-to-machine client has no redirect and asks for client_credentials', () => {
    const p = new HostOAuthProvider({ server: 's', serverUrl: SERVER, store: new MemorySecretStore(), flow: flow(), clientName: 'test', clientId: 'm2m', clientSecret: 'x', grant: 'client_credentials', scopes: ['a', 'b'] });
    assert.equal(p.redirectUrl, undefined);
    assert.deepEqual(p.clientMetadata.grant_types, ['client_credentials']);
    assert.equal(p.prepareTokenRequest('a b')?.toString(), 'grant_type=client_credentials&scope=a+b');
  });
  it('lets auth() read refreshable tokens one caller at a time: the next reads what the one before saved', async () => {
    const store = new MemorySecretStore();
    const p = provider(store);
    const as = { issuer: 'https://as.example' };
    await p.saveTokens({ access_token: 'a0', refresh_token: 'r0', token_type: 'Bearer' }, as);
    const read: string[] = [];
    const callers = [1, 2, 3].map(async () => read.push((await p.tokens(as))?.refresh_token ?? 'none'));
    const settle = () => new Promise((r) => setTimeout(r, 20));
    await settle();
    assert.deepEqual(read, ['r0'], 'the others wait while the first may refresh');
    await p.saveTokens({ access_token: 'a1', refresh_token: 'r1', token_type: 'Bearer' }, as);
    await settle();
    assert.deepEqual(read, ['r0', 'r1'], 'one waiter goes on, with the rotated token');
    await p.saveTokens({ access_token: 'a2', refresh_token: 'r2', token_type: 'Bearer' }, as);
    await Promise.all(callers);
    assert.deepEqual(read, ['r0', 'r1', 'r2']);
    await p.saveTokens({ access_token: 'a3', refresh_token: 'r3', token_type: 'Bearer' }, as);
  });
});
