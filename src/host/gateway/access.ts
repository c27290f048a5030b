import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { hostHeaderValidationResponse, localhostAllowedOrigins, originValidationResponse } from '@modelcontextprotocol/server';

/** The header that carries the gateway's per-window secret. */
export const SECRET_HEADER = 'x-mcp-approval-host-secret';

/** A new random secret (256 bits), one per window. */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** Why a request was refused, for the log (never the secret itself). */
export type Refusal = { status: number; reason: string; response: Response };

/**
 * The gateway's door: the Host header must name the loopback address (a DNS
 * rebinding page sends its own host name), a present Origin must be a
 * loopback one, and the secret must match, compared in constant time.
 * Nothing answers with CORS headers, so no web page can read a response.
 */
export function checkAccess(request: Request, secret: string): Refusal | undefined {
  const host = hostHeaderValidationResponse(request, ['127.0.0.1', 'localhost']);
  if (host) return { status: host.status, reason: `foreign Host header ${JSON.stringify(request.headers.get('host')?.slice(0, 100) ?? '')}`, response: host };
  const origin = originValidationResponse(request, localhostAllowedOrigins());
  if (origin) return { status: origin.status, reason: `foreign Origin ${JSON.stringify(request.headers.get('origin')?.slice(0, 100) ?? '')}`, response: origin };
  const given = request.headers.get(SECRET_HEADER);
  if (given === null || !sameSecret(given, secret)) {
    return {
      status: 401,
      reason: given === null ? 'no secret header' : 'wrong secret',
      response: Response.json({ jsonrpc: '2.0', error: { code: -32001, message: 'Unauthorized' }, id: null }, { status: 401 }),
    };
  }
  return undefined;
}

/** Constant-time comparison: digests first, so the length of the guess leaks nothing either. */
function sameSecret(given: string, secret: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(secret).digest();
  return timingSafeEqual(a, b);
}
