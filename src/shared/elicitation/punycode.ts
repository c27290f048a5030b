/**
 * Punycode (RFC 3492) decoding of one `xn--` host label, so the URL checks
 * can see which scripts a punycode host really uses. Decode only; the WHATWG
 * `URL` parser does the encoding.
 */

const BASE = 36;
const T_MIN = 1;
const T_MAX = 26;
const SKEW = 38;
const DAMP = 700;
const INITIAL_BIAS = 72;
const INITIAL_N = 128;
const MAX_CODE_POINT = 0x10ffff;
// DNS labels are at most 63 octets; allow slack but bound the work.
const MAX_LABEL = 255;

function digitValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30 + 26; // 0-9
  if (code >= 0x41 && code <= 0x5a) return code - 0x41; // A-Z
  if (code >= 0x61 && code <= 0x7a) return code - 0x61; // a-z
  return BASE;
}

function adapt(delta: number, numPoints: number, firstTime: boolean): number {
  let d = firstTime ? Math.floor(delta / DAMP) : delta >> 1;
  d += Math.floor(d / numPoints);
  let k = 0;
  while (d > ((BASE - T_MIN) * T_MAX) >> 1) {
    d = Math.floor(d / (BASE - T_MIN));
    k += BASE;
  }
  return k + Math.floor(((BASE - T_MIN + 1) * d) / (d + SKEW));
}

/** Reads one generalized variable-length integer; returns [value, next index] or undefined. */
function readDelta(input: string, start: number, bias: number): [number, number] | undefined {
  let i = 0;
  let w = 1;
  let pos = start;
  for (let k = BASE; ; k += BASE) {
    if (pos >= input.length) return undefined;
    const digit = digitValue(input.charCodeAt(pos++));
    if (digit >= BASE) return undefined;
    i += digit * w;
    if (!Number.isSafeInteger(i)) return undefined;
    const t = k <= bias ? T_MIN : k >= bias + T_MAX ? T_MAX : k - bias;
    if (digit < t) return [i, pos];
    w *= BASE - t;
    if (!Number.isSafeInteger(w)) return undefined;
  }
}

/**
 * Decodes the part after `xn--` of a label. Returns `undefined` for invalid
 * input instead of throwing.
 */
export function decodePunycodeLabel(encoded: string): string | undefined {
  if (encoded.length > MAX_LABEL) return undefined;
  const split = encoded.lastIndexOf('-');
  const output = split >= 0 ? Array.from(encoded.slice(0, split), (c) => c.codePointAt(0) ?? 0) : [];
  if (output.some((c) => c >= 0x80)) return undefined;
  let n = INITIAL_N;
  let bias = INITIAL_BIAS;
  let i = 0;
  let pos = split + 1;
  while (pos < encoded.length) {
    const read = readDelta(encoded, pos, bias);
    if (read === undefined) return undefined;
    const oldI = i;
    i += read[0];
    pos = read[1];
    bias = adapt(i - oldI, output.length + 1, oldI === 0);
    n += Math.floor(i / (output.length + 1));
    i %= output.length + 1;
    if (n > MAX_CODE_POINT) return undefined;
    output.splice(i++, 0, n);
  }
  return String.fromCodePoint(...output);
}
