/**
 * The one base64 check for data a server sends (images, audio, resource
 * blobs). Standard alphabet only (RFC 4648 section 4): no whitespace, no
 * `data:` prefix, no base64url; padding at the end only, at most two `=`, and
 * the length a multiple of 4. Pure: no DOM, no vscode, no Buffer.
 */

// A character class and a fixed tail: linear, no nested quantifier, so an
// 8 MB payload is checked in one pass without a deep backtracking stack.
const ALPHABET_THEN_PADDING = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * True when `data` is strict, padded base64 of at most `maxLength` characters.
 * The empty string is valid base64 (of zero bytes); callers that need data
 * check for emptiness themselves.
 */
export function isBase64(data: unknown, maxLength: number = Number.POSITIVE_INFINITY): data is string {
  return typeof data === 'string' && data.length <= maxLength && data.length % 4 === 0 && ALPHABET_THEN_PADDING.test(data);
}

/** How many bytes `data` decodes to, from its length and padding (never negative). */
export function base64Bytes(data: string): number {
  const padding = data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0;
  return Math.max(0, Math.floor((data.length * 3) / 4) - padding);
}
