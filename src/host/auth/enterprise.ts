/**
 * Enterprise-managed authorization (SEP-990, "Cross-App Access"): the person
 * signs in once to the organisation's identity provider (OpenID Connect); for
 * each MCP server the host exchanges that ID token at the IdP for an
 * Identity Assertion JWT Authorization Grant (ID-JAG, RFC 8693 token
 * exchange) and trades the grant at the MCP server's authorization server
 * for an access token (RFC 7523 JWT-bearer grant, done by the SDK's
 * `auth()` through `HostOAuthProvider.prepareTokenRequest`).
 *
 * The token exchange is the SDK's `requestJwtAuthorizationGrant`; the IdP
 * sign-in (authorization code + PKCE, `openid` scope) uses the SDK's
 * `startAuthorization` / `exchangeAuthorization`. This module keeps the ID
 * token (and the IdP's refresh token, if any) in the `SecretStore`, keyed by
 * IdP issuer and client id, so every server behind the same IdP shares one
 * sign-in.
 */
import {
  discoverAuthorizationServerMetadata,
  exchangeAuthorization,
  refreshAuthorization,
  requestJwtAuthorizationGrant,
  startAuthorization,
  type AuthorizationServerMetadata,
  type FetchLike,
} from '@modelcontextprotocol/client';
import { decodeJwt } from 'jose';
import { randomBytes } from 'node:crypto';
import { AuthFailedError, type AuthorizationFlow, type SecretStore } from './types';

/** The enterprise identity provider of a server entry (`enterpriseIdp`). */
export interface EnterpriseIdpOptions {
  /** The IdP's issuer URL (OpenID Connect discovery runs on it). */
  issuer: string;
  /** This host's client id at the IdP (a public client: PKCE, no secret). */
  clientId: string;
  /** Scopes of the IdP sign-in; default `openid`. */
  scopes?: string[];
  /** The IdP's token endpoint (token exchange), when its metadata cannot be discovered from `issuer`. */
  tokenEndpoint?: string;
}

/** What is kept per IdP: the ID token and, when the IdP issued one, a refresh token. */
interface IdpRecord {
  idToken: string;
  refreshToken?: string;
}

const KEY_PREFIX = 'mcpApprovalHost.idp:';
/** An ID token that expires within this margin is refreshed before use. */
const EXPIRY_MARGIN_S = 60;

/** The secret-storage key of one IdP sign-in (shared by every server that names this IdP and client). */
export function idpCredentialKey(idp: Pick<EnterpriseIdpOptions, 'issuer' | 'clientId'>): string {
  return `${KEY_PREFIX}${idp.issuer} ${idp.clientId}`;
}

/** True when `idToken` is a JWT whose `exp` is more than the margin ahead (not a signature check: the IdP checks it). */
export function idTokenUsable(idToken: string, nowMs = Date.now()): boolean {
  try {
    const { exp } = decodeJwt(idToken);
    return exp === undefined || exp - EXPIRY_MARGIN_S > nowMs / 1000;
  } catch {
    return false;
  }
}

/** True when both are URLs of the same origin. */
export function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}

/** Only an OAuth error code's token characters: the rest of an error is the server's text. */
function errorCode(err: unknown): string {
  const code = (err as { code?: unknown })?.code;
  const text = typeof code === 'string' ? code : /failed: ([a-z_]+)/.exec(String((err as Error)?.message ?? ''))?.[1];
  return text ? ` (${text.replace(/[^A-Za-z0-9_]/g, '').slice(0, 40)})` : '';
}

/** One enterprise IdP: its stored sign-in, the browser sign-in, and the ID-JAG token exchange. */
export class EnterpriseIdp {
  private metadata: AuthorizationServerMetadata | undefined;

  constructor(
    private readonly options: EnterpriseIdpOptions,
    private readonly store: SecretStore,
  ) {}

  get issuer(): string {
    return this.options.issuer;
  }

  /** Keeps an ID token the person obtained (the headless client; or a managed sign-in). */
  async saveIdToken(idToken: string, refreshToken?: string): Promise<void> {
    const record: IdpRecord = { idToken, ...(refreshToken !== undefined && { refreshToken }) };
    await this.store.store(idpCredentialKey(this.options), JSON.stringify(record));
  }

  /** Forgets the IdP sign-in. */
  async signOut(): Promise<void> {
    await this.store.delete(idpCredentialKey(this.options));
  }

  /** True when a usable ID token (or a refresh token to get one) is stored. */
  async isSignedIn(): Promise<boolean> {
    const record = await this.read();
    return record !== undefined && (idTokenUsable(record.idToken) || record.refreshToken !== undefined);
  }

  /**
   * A usable ID token without the person: the stored one, or one refreshed
   * with the IdP's refresh token. Undefined when the person must sign in.
   */
  async idToken(fetchFn?: FetchLike): Promise<string | undefined> {
    const record = await this.read();
    if (record && idTokenUsable(record.idToken)) return record.idToken;
    if (record?.refreshToken) return this.refresh(record.refreshToken, fetchFn);
    return undefined;
  }

  /**
   * RFC 8693 token exchange at the IdP: the ID token for an ID-JAG whose
   * audience is the MCP server's authorization server and whose resource is
   * the MCP server. An ID token the IdP refuses is forgotten (sign in again).
   */
  async requestGrant(request: { idToken: string; audience: string; resource: string; scope?: string; fetchFn?: FetchLike }): Promise<string> {
    const configured = this.options.tokenEndpoint;
    // The ID token goes back only to its own issuer: a configured endpoint elsewhere (a settings
    // file of a repository, say) must not receive the person's ID token.
    if (configured !== undefined && !sameOrigin(configured, this.options.issuer)) throw new AuthFailedError('discovery', "the identity provider's token endpoint is not on its issuer's origin");
    const tokenEndpoint = configured ?? (await this.discover(request.fetchFn)).token_endpoint;
    try {
      const result = await requestJwtAuthorizationGrant({
        tokenEndpoint,
        audience: request.audience,
        resource: request.resource,
        idToken: request.idToken,
        clientId: this.options.clientId,
        scope: request.scope,
        fetchFn: request.fetchFn,
      });
      return result.jwtAuthGrant;
    } catch (err) {
      if (/invalid_grant/.test(String((err as Error)?.message))) await this.signOut();
      throw new AuthFailedError('token', `the identity provider did not issue an authorization grant for this server${errorCode(err)}`);
    }
  }

  /** OpenID Connect / RFC 8414 discovery on the issuer (the SDK checks the `issuer` echo). */
  private async discover(fetchFn?: FetchLike): Promise<AuthorizationServerMetadata> {
    if (this.metadata) return this.metadata;
    let metadata: AuthorizationServerMetadata | undefined;
    try {
      metadata = await discoverAuthorizationServerMetadata(this.options.issuer, { fetchFn });
    } catch {
      metadata = undefined;
    }
    if (!metadata?.token_endpoint) throw new AuthFailedError('discovery', 'the identity provider has no usable metadata at its issuer');
    this.metadata = metadata;
    return metadata;
  }

  private async refresh(refreshToken: string, fetchFn?: FetchLike): Promise<string | undefined> {
    try {
      const metadata = await this.discover(fetchFn);
      const tokens = await refreshAuthorization(this.options.issuer, { metadata, clientInformation: { client_id: this.options.clientId }, refreshToken, fetchFn });
      if (!tokens.id_token) return undefined;
      await this.saveIdToken(tokens.id_token, tokens.refresh_token ?? refreshToken);
      return tokens.id_token;
    } catch {
      // An expired or revoked refresh token: a new sign-in is needed.
      await this.signOut();
      return undefined;
    }
  }

  /** Authorization code + PKCE at the IdP in the person's browser, with a `nonce` the ID token must carry; stores and returns the ID token. */
  async signIn(flow: AuthorizationFlow, signal: AbortSignal, fetchFn?: FetchLike): Promise<string> {
    const metadata = await this.discover(fetchFn);
    const clientInformation = { client_id: this.options.clientId };
    const state = randomBytes(16).toString('base64url');
    const nonce = randomBytes(16).toString('base64url');
    const { authorizationUrl, codeVerifier } = await startAuthorization(this.options.issuer, {
      metadata,
      clientInformation,
      redirectUrl: flow.redirectUrl,
      scope: (this.options.scopes?.length ? this.options.scopes : ['openid']).join(' '),
      state,
    });
    authorizationUrl.searchParams.set('nonce', nonce);
    let params: URLSearchParams;
    try {
      params = await flow.authorize(authorizationUrl, signal);
    } catch (err) {
      throw new AuthFailedError('consent', `signing in to the identity provider was not completed: ${(err as Error)?.message ?? String(err)}`);
    }
    if (params.get('state') !== state) throw new AuthFailedError('callback', 'the sign-in redirect did not match this sign-in (state mismatch)');
    const error = params.get('error');
    if (error !== null) throw new AuthFailedError('consent', error === 'access_denied' ? 'consent was denied' : `the identity provider refused (${error.replace(/[^A-Za-z0-9_]/g, '').slice(0, 40)})`);
    const code = params.get('code');
    if (!code) throw new AuthFailedError('callback', 'the sign-in redirect carried no authorization code');
    let idToken: string | undefined;
    let refreshToken: string | undefined;
    try {
      const tokens = await exchangeAuthorization(this.options.issuer, {
        metadata,
        clientInformation,
        authorizationCode: code,
        iss: params.get('iss') ?? undefined,
        codeVerifier,
        redirectUri: flow.redirectUrl,
        fetchFn,
      });
      idToken = tokens.id_token;
      refreshToken = tokens.refresh_token;
    } catch (err) {
      throw new AuthFailedError('token', `the identity provider did not issue tokens${errorCode(err)}`);
    }
    if (!idToken) throw new AuthFailedError('token', 'the identity provider issued no ID token');
    let claims: ReturnType<typeof decodeJwt>;
    try {
      claims = decodeJwt(idToken);
    } catch {
      throw new AuthFailedError('token', 'the identity provider issued an ID token that is not a JWT');
    }
    // OpenID Connect Core §3.1.3.7: the ID token answers this request (nonce) and comes from this issuer.
    if (claims.nonce !== nonce) throw new AuthFailedError('token', 'the ID token does not answer this sign-in (nonce mismatch)');
    if (claims.iss !== (metadata.issuer ?? this.options.issuer)) throw new AuthFailedError('token', 'the ID token was issued by another issuer');
    await this.saveIdToken(idToken, refreshToken);
    return idToken;
  }

  private async read(): Promise<IdpRecord | undefined> {
    const raw = await this.store.get(idpCredentialKey(this.options));
    if (!raw) return undefined;
    try {
      const parsed = JSON.parse(raw) as IdpRecord;
      return parsed && typeof parsed.idToken === 'string' ? parsed : undefined;
    } catch {
      return undefined;
    }
  }
}
