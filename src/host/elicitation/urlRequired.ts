/**
 * Error -32042 (URL elicitation required): a request failed until the person
 * opens one or more links. The SDK turns it into `UrlElicitationRequiredError`
 * with `data.elicitations`; the list is server data and is checked like any
 * other elicitation before it is shown.
 */
import { ProtocolErrorCode } from '@modelcontextprotocol/client';

/** At most this many links of one error are shown. */
export const MAX_REQUIRED_URLS = 5;

/** True for a -32042 error that lists elicitations. */
export function isUrlElicitationRequired(err: unknown): boolean {
  return requiredElicitations(err) !== undefined;
}

/**
 * The raw `data.elicitations` of a -32042 error (at most `MAX_REQUIRED_URLS`),
 * or `undefined` for any other error. Entries are unchecked.
 */
export function requiredElicitations(err: unknown): unknown[] | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const { code, data } = err as { code?: unknown; data?: unknown };
  if (code !== ProtocolErrorCode.UrlElicitationRequired || typeof data !== 'object' || data === null) return undefined;
  const list = (data as { elicitations?: unknown }).elicitations;
  if (!Array.isArray(list) || list.length === 0) return undefined;
  return list.slice(0, MAX_REQUIRED_URLS);
}
