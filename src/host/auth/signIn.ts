/**
 * Runs a request that may need the person to sign in: when the SDK stopped at
 * a 401 (or a 403 insufficient_scope step-up) after our provider started an
 * authorization, wait for the redirect, exchange the code, and try again.
 * Bounded: a server that keeps asking for more (auth/scope-retry-limit) ends
 * in an error after `maxRounds` sign-ins.
 */
import { InsecureTokenEndpointError, IssuerMismatchError, OAuthError, RegistrationRejectedError } from '@modelcontextprotocol/client';
import type { HostOAuthProvider } from './oauthProvider';
import { AuthFailedError, SignInRequiredError, type AuthFailureStage } from './types';

/** Default number of sign-ins one request may trigger. */
export const MAX_SIGN_IN_ROUNDS = 2;

/** Runs `attempt`, completing a started authorization and retrying at most `maxRounds` times. */
export async function withAuthorization<T>(provider: HostOAuthProvider | undefined, attempt: () => Promise<T>, maxRounds = MAX_SIGN_IN_ROUNDS): Promise<T> {
  let legacyTried = false;
  for (let round = 0; ; ) {
    try {
      return await attempt();
    } catch (err) {
      if (!provider) throw err;
      const signIn = findInCauses(err, (e): e is SignInRequiredError => e instanceof SignInRequiredError);
      if (signIn) throw signIn;
      // A 2025-03-26 server whose issuer has a path: once, with its metadata (legacyDiscovery.ts).
      if (!legacyTried && !provider.hasPendingAuthorization) {
        legacyTried = true;
        if (await provider.acceptLegacyMetadata(err)) continue;
      }
      if (!provider.hasPendingAuthorization) throw err;
      if (round++ >= maxRounds) {
        provider.dispose();
        throw err;
      }
      await provider.completeAuthorization();
    }
  }
}

/** The first error in `err`'s cause chain that matches (the SDK wraps transport errors). */
export function findInCauses<E>(err: unknown, match: (e: unknown) => e is E): E | undefined {
  for (let e: unknown = err, depth = 0; e !== undefined && e !== null && depth < 8; depth++) {
    if (match(e)) return e;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * Which step of signing in an error comes from, for a message that names it
 * without repeating server text; undefined when it is no sign-in error.
 */
export function authFailureStage(err: unknown): AuthFailureStage | undefined {
  const failed = findInCauses(err, (e): e is AuthFailedError => e instanceof AuthFailedError);
  if (failed) return failed.stage;
  if (findInCauses(err, (e): e is RegistrationRejectedError => e instanceof RegistrationRejectedError)) return 'registration';
  if (findInCauses(err, (e): e is IssuerMismatchError => e instanceof IssuerMismatchError)) return 'discovery';
  if (findInCauses(err, (e): e is InsecureTokenEndpointError => e instanceof InsecureTokenEndpointError)) return 'token';
  if (findInCauses(err, (e): e is OAuthError => e instanceof OAuthError)) return 'token';
  return undefined;
}
