/**
 * The host's `OAuthClientProvider` for one remote server. The SDK
 * (@modelcontextprotocol/client) does discovery (RFC 9728 / RFC 8414 / OIDC),
 * CIMD or dynamic registration, PKCE S256, `resource`, scope selection,
 * step-up, refresh, `iss` checks and token endpoint auth; this class keeps
 * what it must remember and drives the person through the browser.
 *
 * Credentials are stored through a `SecretStore`, in one JSON record per
 * server keyed by the authorization server's issuer (SEP-2352): a server that
 * moves to another authorization server never gets the old client id or
 * tokens. Nothing is written anywhere else, and nothing secret is logged.
 */
import {
  auth,
  createPrivateKeyJwtAuth,
  type AddClientAuthentication,
  type OAuthClientInformationContext,
  type OAuthClientMetadata,
  type OAuthClientProvider,
  type OAuthDiscoveryState,
  type StoredOAuthClientInformation,
  type StoredOAuthTokens,
  resourceUrlFromServerUrl,
} from '@modelcontextprotocol/client';
import { randomBytes } from 'node:crypto';
import { EnterpriseIdp, type EnterpriseIdpOptions } from './enterprise';
import { legacyDiscovery } from './legacyDiscovery';
import { AuthFailedError, SignInRequiredError, type AuthorizationFlow, type SecretStore } from './types';

/** How one server's entry configures sign-in. */
export interface OAuthOptions {
  /** The configured server name (for messages). */
  server: string;
  /** The MCP endpoint (the protected resource). */
  serverUrl: string;
  store: SecretStore;
  flow: AuthorizationFlow;
  /** The client name sent in registrations. */
  clientName: string;
  /** Pre-registered credentials from the server's entry (secret resolved from secret storage). */
  clientId?: string;
  clientSecret?: string;
  /** Scopes to ask for when neither WWW-Authenticate nor the metadata names any. */
  scopes?: string[];
  /** An https URL of this client's Client ID Metadata Document, used where the server supports CIMD. */
  clientMetadataUrl?: string;
  /**
   * `client_credentials`: a machine-to-machine client (no browser, no person);
   * needs `clientId` and `clientSecret` or `privateKey`.
   * `enterprise`: enterprise-managed authorization (SEP-990): an ID token from
   * `enterpriseIdp` is exchanged for an ID-JAG, which the pre-registered
   * `clientId` trades for tokens with the JWT-bearer grant.
   * Default: `authorization_code`.
   */
  grant?: OAuthGrant;
  /** Authenticates a client_credentials client with a signed JWT (private_key_jwt, RFC 7523). */
  privateKey?: { pem: string; alg: string };
  /** The enterprise identity provider (`grant: 'enterprise'`). */
  enterpriseIdp?: EnterpriseIdpOptions;
}

/** The grants a server entry may choose. */
export type OAuthGrant = 'authorization_code' | 'client_credentials' | 'enterprise';

/** RFC 7523 §2.1: the JWT-bearer authorization grant. */
export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

interface IssuerRecord {
  client?: StoredOAuthClientInformation;
  tokens?: StoredOAuthTokens;
}

/** The stored record of one server: credentials per issuer, and which issuer is current. */
interface ServerRecord {
  current?: string;
  issuers: Record<string, IssuerRecord>;
}

const KEY_PREFIX = 'mcpApprovalHost.oauth:';

/** The secret-storage key of a server's credentials. */
export function credentialKey(serverUrl: string): string {
  return `${KEY_PREFIX}${serverUrl}`;
}

/** A started authorization: the browser is open, the redirect is awaited. */
interface PendingAuthorization {
  result: Promise<URLSearchParams>;
  state: string;
  scope?: string;
}

/** The OAuth client provider for one server; see the module comment. */
export class HostOAuthProvider implements OAuthClientProvider {
  /** When false, a needed sign-in throws `SignInRequiredError` instead of opening the browser. */
  interactive = false;
  private verifier: string | undefined;
  private discovery: OAuthDiscoveryState | undefined;
  private pending: PendingAuthorization | undefined;
  private pendingAbort: AbortController | undefined;
  private expectedState: string | undefined;
  /** Enterprise grant: the IdP, and what the SDK discovered about the MCP server. */
  readonly enterprise: EnterpriseIdp | undefined;
  private authorizationServer: string | undefined;
  private resource: string | undefined;
  /** Enterprise grant: the IdP sign-in in the browser, awaited by `completeAuthorization`. */
  private pendingIdp: Promise<string> | undefined;

  /** Set for private_key_jwt: signs the client assertion of each token request. */
  readonly addClientAuthentication: AddClientAuthentication | undefined;

  constructor(private readonly options: OAuthOptions) {
    const key = options.privateKey;
    if (key && options.clientId) this.addClientAuthentication = createPrivateKeyJwtAuth({ issuer: options.clientId, subject: options.clientId, privateKey: key.pem, alg: key.alg });
    if (options.grant === 'enterprise') {
      if (!options.enterpriseIdp || options.clientId === undefined) throw new AuthFailedError('registration', 'enterprise sign-in needs "enterpriseIdp" and a pre-registered "clientId"');
      this.enterprise = new EnterpriseIdp(options.enterpriseIdp, options.store);
    }
  }

  private get machine(): boolean {
    return this.options.grant === 'client_credentials';
  }

  /**
   * Undefined for a machine-to-machine or enterprise client: the SDK then runs
   * the grant of `prepareTokenRequest` instead of a browser redirect.
   */
  get redirectUrl(): string | undefined {
    return this.machine || this.enterprise ? undefined : this.options.flow.redirectUrl;
  }

  private get registeredRedirectUrl(): string {
    return this.options.flow.registeredRedirectUrl ?? this.options.flow.redirectUrl;
  }

  get clientMetadataUrl(): string | undefined {
    return this.options.clientMetadataUrl;
  }

  get clientMetadata(): OAuthClientMetadata {
    const secret = this.options.clientSecret !== undefined;
    if (this.enterprise) {
      return {
        client_name: this.options.clientName,
        redirect_uris: [],
        grant_types: [JWT_BEARER_GRANT],
        token_endpoint_auth_method: secret ? 'client_secret_basic' : 'none',
        ...(this.options.scopes?.length && { scope: this.options.scopes.join(' ') }),
      };
    }
    if (this.machine) {
      return {
        client_name: this.options.clientName,
        redirect_uris: [],
        grant_types: ['client_credentials'],
        token_endpoint_auth_method: this.options.privateKey ? 'private_key_jwt' : 'client_secret_basic',
        ...(this.options.scopes?.length && { scope: this.options.scopes.join(' ') }),
      };
    }
    return {
      client_name: this.options.clientName,
      redirect_uris: [this.registeredRedirectUrl],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: secret ? 'client_secret_basic' : 'none',
      ...(this.options.scopes?.length && { scope: this.options.scopes.join(' ') }),
    };
  }

  state(): string {
    this.expectedState = randomBytes(16).toString('base64url');
    return this.expectedState;
  }

  async clientInformation(ctx?: OAuthClientInformationContext): Promise<StoredOAuthClientInformation | undefined> {
    if (this.options.clientId !== undefined) {
      return { client_id: this.options.clientId, ...(this.options.clientSecret !== undefined && { client_secret: this.options.clientSecret }) };
    }
    const record = await this.read();
    const issuer = ctx?.issuer ?? record.current;
    const client = issuer === undefined ? undefined : record.issuers[issuer]?.client;
    // A registration for another redirect URI (the flow changed) is useless: register again.
    const uris = (client as { redirect_uris?: unknown } | undefined)?.redirect_uris;
    const usable = Array.isArray(uris) && !uris.includes(this.registeredRedirectUrl) ? undefined : client;
    // Without a client the SDK registers one (dynamic registration) before it
    // sends the person to the browser: nobody asked to sign in yet (start-up),
    // so nothing is registered until Sign In.
    if (usable === undefined && !this.interactive && this.redirectUrl !== undefined) throw new SignInRequiredError(this.options.server);
    return usable;
  }

  async saveClientInformation(info: StoredOAuthClientInformation, ctx?: OAuthClientInformationContext): Promise<void> {
    // Pre-registered credentials come from the entry; the SDK only stamps them.
    if (this.options.clientId !== undefined) return;
    await this.update(ctx?.issuer ?? info.issuer, (r) => (r.client = info));
  }

  async tokens(ctx?: OAuthClientInformationContext): Promise<StoredOAuthTokens | undefined> {
    // With ctx this is auth() deciding whether to refresh: one refresh at a time (see `takeRefreshTurn`).
    // Taken before the read: the next waiter must not read the tokens this one may refresh.
    if (ctx !== undefined) await this.takeRefreshTurn();
    const record = await this.read();
    // Without ctx this is the per-request read for the resource server: the current set.
    const issuer = ctx?.issuer ?? record.current;
    const tokens = issuer === undefined ? undefined : record.issuers[issuer]?.tokens;
    if (ctx !== undefined && !tokens?.refresh_token) this.releaseRefreshTurn();
    return tokens;
  }

  /**
   * Requests that meet an expired token together (the lists after the
   * handshake) each get a 401 and each run auth(), which refreshes with the
   * same refresh token; with rotation the later ones get invalid_grant, and the
   * SDK then forgets the tokens the first one just saved: the person would
   * have to sign in again. So auth() runs refresh one at a time: a later one
   * reads the tokens the earlier one saved. The turn ends when tokens are
   * saved or forgotten, a browser sign-in starts, or after 15 s at the latest.
   */
  private refreshing: { done: Promise<void>; release: () => void } | undefined;

  private async takeRefreshTurn(): Promise<void> {
    while (this.refreshing) await this.refreshing.done;
    // No await between the last check and the hold: waiters woken by the same release
    // resume one by one, and only the first finds the turn free. (Checking in one async
    // function and holding in its caller let them all pass: each return is a later tick.)
    this.holdRefreshTurn();
  }

  private holdRefreshTurn(): void {
    let release!: () => void;
    const done = new Promise<void>((resolve) => (release = resolve));
    const timer = setTimeout(() => this.releaseRefreshTurn(), 15_000);
    timer.unref?.();
    this.refreshing = {
      done,
      release: () => {
        clearTimeout(timer);
        release();
      },
    };
  }

  private releaseRefreshTurn(): void {
    const turn = this.refreshing;
    this.refreshing = undefined;
    turn?.release();
  }

  async saveTokens(tokens: StoredOAuthTokens, ctx?: OAuthClientInformationContext): Promise<void> {
    await this.update(ctx?.issuer ?? tokens.issuer, (r) => (r.tokens = tokens), true);
    this.releaseRefreshTurn();
    // The flow is complete: the next 401 rediscovers (the authorization servers may change).
    this.discovery = undefined;
  }

  /**
   * The client_credentials token request, or the enterprise JWT-bearer
   * request (after the ID-JAG token exchange); undefined (the SDK's default)
   * for the code flow.
   */
  prepareTokenRequest(scope?: string): URLSearchParams | Promise<URLSearchParams> | undefined {
    if (this.enterprise) return this.prepareEnterpriseRequest(this.enterprise, scope);
    if (!this.machine) return undefined;
    const params = new URLSearchParams({ grant_type: 'client_credentials' });
    if (scope) params.set('scope', scope);
    return params;
  }

  /** Called by the SDK's `auth()` with the authorization server's issuer (the ID-JAG's audience). */
  saveAuthorizationServerUrl(url: string): void {
    this.authorizationServer = url;
  }

  /** Called by the SDK's `auth()` with the resource from the server's protected resource metadata. */
  saveResourceUrl(url: string): void {
    this.resource = url;
  }

  /**
   * SEP-990: a usable ID token (stored; refreshed; or, when the person asked
   * to sign in, from the IdP in the browser), exchanged at the IdP for an
   * ID-JAG naming this server's authorization server and resource.
   */
  private async prepareEnterpriseRequest(idp: EnterpriseIdp, scope: string | undefined): Promise<URLSearchParams> {
    const audience = this.authorizationServer;
    if (audience === undefined) throw new AuthFailedError('discovery', "the server's authorization server was not discovered");
    // Without protected resource metadata, the canonical server URI is the resource (MCP authorization, "Resource Parameter").
    const resource = this.resource ?? resourceUrlFromServerUrl(this.options.serverUrl).href;
    const idToken = await idp.idToken();
    if (idToken === undefined) {
      if (!this.interactive) throw new SignInRequiredError(this.options.server);
      // The browser sign-in at the IdP runs outside this attempt (and its connect
      // deadline), like the code flow's: `completeAuthorization` waits for it.
      this.pendingAbort?.abort(new Error('superseded'));
      this.pendingAbort = new AbortController();
      const signIn = idp.signIn(this.options.flow, this.pendingAbort.signal);
      signIn.catch(() => undefined);
      this.pendingIdp = signIn;
      throw new AuthFailedError('consent', 'waiting for the sign-in at the identity provider');
    }
    const assertion = await idp.requestGrant({ idToken, audience, resource, scope });
    const params = new URLSearchParams({ grant_type: JWT_BEARER_GRANT, assertion });
    if (scope) params.set('scope', scope);
    return params;
  }

  saveDiscoveryState(state: OAuthDiscoveryState): void {
    this.discovery = state;
  }

  /**
   * When `err` is the SDK refusing a 2025-03-26 server's metadata whose
   * issuer has a path on the server's own origin (see legacyDiscovery.ts),
   * keeps that metadata as the discovery state, so the next attempt uses it;
   * false when the refusal stands.
   */
  async acceptLegacyMetadata(err: unknown): Promise<boolean> {
    const legacy = await legacyDiscovery(this.options.serverUrl, err);
    if (!legacy) return false;
    this.discovery = { authorizationServerUrl: legacy.authorizationServerUrl, authorizationServerMetadata: legacy.authorizationServerMetadata };
    return true;
  }

  discoveryState(): OAuthDiscoveryState | undefined {
    return this.discovery;
  }

  saveCodeVerifier(verifier: string): void {
    this.verifier = verifier;
    // The refresh did not happen or failed: a browser sign-in comes next.
    this.releaseRefreshTurn();
  }

  codeVerifier(): string {
    if (this.verifier === undefined) throw new AuthFailedError('token', 'no PKCE code verifier for this sign-in');
    return this.verifier;
  }

  async invalidateCredentials(scope: 'all' | 'client' | 'tokens' | 'verifier' | 'discovery'): Promise<void> {
    if (scope === 'verifier') this.verifier = undefined;
    if (scope === 'discovery' || scope === 'all') this.discovery = undefined;
    if (scope === 'verifier' || scope === 'discovery') return;
    const record = await this.read();
    const current = record.current;
    if (current === undefined || !record.issuers[current]) return this.releaseRefreshTurn();
    if (scope === 'all' || scope === 'client') delete record.issuers[current].client;
    if (scope === 'all' || scope === 'tokens') delete record.issuers[current].tokens;
    await this.write(record);
    if (scope === 'all' || scope === 'tokens') this.releaseRefreshTurn();
  }

  /** Opens the browser (when interactive); the SDK then throws `UnauthorizedError`. */
  redirectToAuthorization(url: URL): void {
    if (!this.interactive) throw new SignInRequiredError(this.options.server);
    const state = url.searchParams.get('state') ?? this.expectedState ?? '';
    const scope = url.searchParams.get('scope') ?? undefined;
    this.pendingAbort?.abort(new Error('superseded'));
    this.pendingAbort = new AbortController();
    const result = this.options.flow.authorize(url, this.pendingAbort.signal);
    // Awaited by `completeAuthorization`; a rejection before that is not unhandled.
    result.catch(() => undefined);
    this.pending = { result, state, scope };
  }

  /** True while an authorization started by `redirectToAuthorization` awaits its redirect. */
  get hasPendingAuthorization(): boolean {
    return this.pending !== undefined || this.pendingIdp !== undefined;
  }

  /**
   * Waits for the pending redirect, checks `state` and the error fields, and
   * exchanges the code (the SDK checks `iss` against the recorded issuer).
   */
  async completeAuthorization(fetchFn?: typeof fetch): Promise<void> {
    const idp = this.pendingIdp;
    if (idp) {
      // The enterprise IdP sign-in: the next attempt exchanges the stored ID token.
      this.pendingIdp = undefined;
      await idp;
      return;
    }
    const pending = this.pending;
    if (!pending) throw new AuthFailedError('callback', 'no sign-in is in progress');
    this.pending = undefined;
    let params: URLSearchParams;
    try {
      params = await pending.result;
    } catch (err) {
      throw new AuthFailedError('consent', `sign-in was not completed: ${(err as Error)?.message ?? String(err)}`);
    }
    // RFC 6749 §10.12: a redirect that does not carry our state is not ours.
    if (params.get('state') !== pending.state) throw new AuthFailedError('callback', 'the sign-in redirect did not match this sign-in (state mismatch)');
    const error = params.get('error');
    // Only the error code's token characters: the rest of the redirect is the server's text.
    if (error !== null) throw new AuthFailedError('consent', error === 'access_denied' ? 'consent was denied' : `the authorization server refused (${error.replace(/[^A-Za-z0-9_]/g, '').slice(0, 40)})`);
    const code = params.get('code');
    if (!code) throw new AuthFailedError('callback', 'the sign-in redirect carried no authorization code');
    let result: Awaited<ReturnType<typeof auth>>;
    try {
      result = await auth(this, { serverUrl: this.options.serverUrl, authorizationCode: code, iss: params.get('iss') ?? undefined, scope: pending.scope, fetchFn });
    } catch (err) {
      throw new AuthFailedError('token', `exchanging the authorization code failed: ${(err as Error)?.message ?? String(err)}`);
    }
    if (result !== 'AUTHORIZED') throw new AuthFailedError('token', 'the authorization code was not exchanged for tokens');
  }

  /** True when tokens are stored for this server. */
  async isSignedIn(): Promise<boolean> {
    return (await this.tokens()) !== undefined;
  }

  /** Forgets every credential of this server (and its enterprise IdP sign-in) and stops a pending sign-in. */
  async signOut(): Promise<void> {
    this.dispose();
    this.verifier = undefined;
    this.discovery = undefined;
    await this.options.store.delete(credentialKey(this.options.serverUrl));
    await this.enterprise?.signOut();
  }

  /** Stops a pending sign-in (the connection is going away). */
  dispose(): void {
    this.pendingAbort?.abort(new Error('cancelled'));
    this.pendingAbort = undefined;
    this.pending = undefined;
    this.pendingIdp = undefined;
    this.releaseRefreshTurn();
  }

  private async read(): Promise<ServerRecord> {
    const raw = await this.options.store.get(credentialKey(this.options.serverUrl));
    if (!raw) return { issuers: {} };
    try {
      const parsed = JSON.parse(raw) as ServerRecord;
      return parsed && typeof parsed === 'object' && parsed.issuers && typeof parsed.issuers === 'object' ? parsed : { issuers: {} };
    } catch {
      return { issuers: {} };
    }
  }

  private async write(record: ServerRecord): Promise<void> {
    await this.options.store.store(credentialKey(this.options.serverUrl), JSON.stringify(record));
  }

  private async update(issuer: string | undefined, change: (r: IssuerRecord) => void, makeCurrent = false): Promise<void> {
    const record = await this.read();
    const key = issuer ?? record.current ?? '';
    const entry = (record.issuers[key] ??= {});
    change(entry);
    if (makeCurrent || record.current === undefined) record.current = key;
    await this.write(record);
  }
}
