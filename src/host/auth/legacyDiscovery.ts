/**
 * Authorization server discovery for 2025-03-26 servers (no protected
 * resource metadata), where the SDK is stricter than that spec revision.
 *
 * MCP 2025-03-26 ("Authorization", 2.3 Server Metadata Discovery) has the
 * client take the MCP server's URL without its path as the *authorization
 * base URL* and read `/.well-known/oauth-authorization-server` there: the MCP
 * server is its own authorization server, and the spec names no issuer the
 * client could know in advance. Such servers often mount their OAuth
 * endpoints under a path and say so in `issuer` (e.g. `https://host/oauth`).
 *
 * The SDK (@modelcontextprotocol/client 2.4.0, `discoverAuthorizationServerMetadata`)
 * applies RFC 8414 §3.3 on this path too: the base URL is treated as the
 * issuer, so `issuer: "https://host/oauth"` is an `IssuerMismatchError`
 * ("metadata") and the server cannot be used. Its only switch,
 * `skipIssuerMetadataValidation`, turns the check off for every path,
 * including the modern one where the protected resource metadata names the
 * authorization server and the check is the mix-up defence.
 *
 * The tolerance here is the narrowest that makes the legacy path work:
 * - only after the SDK refused metadata it fetched from the server's own
 *   origin (the fallback it takes when there is no protected resource metadata),
 * - only when the server really has no protected resource metadata,
 * - only when the metadata's `issuer` is on that same origin (the document
 *   cannot claim to be another authorization server).
 * The metadata is then handed to the SDK as the discovery state, and every
 * other check (the `iss` of the authorization response, PKCE, the token
 * endpoint's origin) still applies against that issuer.
 */
import {
  discoverAuthorizationServerMetadata,
  discoverOAuthProtectedResourceMetadata,
  IssuerMismatchError,
  type AuthorizationServerMetadata,
  type FetchLike,
} from '@modelcontextprotocol/client';
import { findInCauses } from './signIn';

/** The discovery state to hand to the SDK for a legacy server whose issuer has a path. */
export interface LegacyDiscovery {
  authorizationServerUrl: string;
  authorizationServerMetadata: AuthorizationServerMetadata;
}

/**
 * When `err` is the SDK refusing a 2025-03-26 server's metadata for an
 * issuer on the server's own origin, and the server has no protected
 * resource metadata, the metadata to use; otherwise undefined (the refusal stands).
 */
export async function legacyDiscovery(serverUrl: string, err: unknown, fetchFn?: FetchLike): Promise<LegacyDiscovery | undefined> {
  const mismatch = findInCauses(err, (e): e is IssuerMismatchError => e instanceof IssuerMismatchError);
  if (!mismatch || mismatch.kind !== 'metadata') return undefined;
  const origin = new URL(serverUrl).origin;
  const base = `${origin}/`;
  // The SDK only derives the issuer from the server's origin when it found no protected resource metadata.
  if (mismatch.expected !== base && mismatch.expected !== origin) return undefined;
  if (!sameOrigin(mismatch.received, origin)) return undefined;
  try {
    await discoverOAuthProtectedResourceMetadata(serverUrl, undefined, fetchFn);
    // The server has protected resource metadata: it is no 2025-03-26 server, and the check stands.
    return undefined;
  } catch (e) {
    if (e instanceof TypeError) return undefined;
  }
  let metadata: AuthorizationServerMetadata | undefined;
  try {
    metadata = await discoverAuthorizationServerMetadata(base, { fetchFn, skipIssuerValidation: true });
  } catch {
    return undefined;
  }
  if (!metadata || !sameOrigin(metadata.issuer, origin)) return undefined;
  return { authorizationServerUrl: base, authorizationServerMetadata: metadata };
}

function sameOrigin(url: unknown, origin: string): boolean {
  if (typeof url !== 'string') return false;
  try {
    return new URL(url).origin === origin;
  } catch {
    return false;
  }
}
