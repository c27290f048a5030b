/**
 * What the host's OAuth support needs from its surroundings: a place for
 * secrets (VS Code's SecretStorage; memory in tests and headless runs) and a
 * way to send the person to the authorization server and get the redirect
 * back (system browser + URI handler or loopback in VS Code; a plain HTTP
 * fetch of the authorization URL in the conformance client).
 */

/** Secret key/value storage. Values are opaque strings (JSON written by the provider). */
export interface SecretStore {
  get(key: string): Promise<string | undefined>;
  store(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
}

/** Sends the person to an authorization URL and waits for the redirect. */
export interface AuthorizationFlow {
  /** The redirect URI of the authorization request. */
  readonly redirectUrl: string;
  /**
   * The redirect URI to register, when it differs (a loopback redirect is
   * registered without its port, RFC 8252 §7.3). Default: `redirectUrl`.
   */
  readonly registeredRedirectUrl?: string;
  /**
   * Opens `url` (the person's browser) and resolves with the query parameters
   * the authorization server redirected back with (`code`, `state`, `iss`, or
   * `error`). Rejects when the person cancels, or when `signal` aborts.
   */
  authorize(url: URL, signal: AbortSignal): Promise<URLSearchParams>;
}

/** Which step of signing in failed, for the message the person sees. */
export type AuthFailureStage = 'discovery' | 'registration' | 'consent' | 'token' | 'callback';

/** Signing in failed at a named step; the message is safe to show (no server text). */
export class AuthFailedError extends Error {
  constructor(
    readonly stage: AuthFailureStage,
    message: string,
  ) {
    super(message);
    this.name = 'AuthFailedError';
  }
}

/**
 * The server needs the person to sign in and the host may not open a browser
 * on its own (e.g. at start-up): the UI shows "Sign in required".
 */
export class SignInRequiredError extends Error {
  constructor(readonly server: string) {
    super(`"${server}" requires sign-in`);
    this.name = 'SignInRequiredError';
  }
}
