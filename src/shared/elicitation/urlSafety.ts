/**
 * Checks the URL of a URL-mode elicitation before the user is asked whether
 * to open it. Only http(s) links are allowed; lookalike domains, plain http,
 * raw IPs and odd ports produce warnings the UI shows next to the full URL.
 * Uses the WHATWG `URL` parser (Node and browsers); never fetches anything.
 */

import { getDomain } from 'tldts';
import { decodePunycodeLabel } from './punycode';
import { mixedScriptLabels } from './scripts';
import { quote } from './util';

/** Longest URL accepted, before and after normalization. */
export const MAX_URL_LENGTH = 2048;

/** Why a URL deserves a second look. */
export type UrlWarningCode = 'insecure-http' | 'punycode' | 'mixed-script' | 'ip-address' | 'non-standard-port';

/** A warning with a short plain-text sentence for the UI. */
export interface UrlWarning {
  readonly code: UrlWarningCode;
  readonly message: string;
}

/** The normalized URL split so a UI can bold the domain: `before + domain + after === url`. */
export interface UrlDisplayParts {
  readonly before: string;
  readonly domain: string;
  readonly after: string;
}

/** An http(s) URL that may be offered to the user, with what to warn about. */
export interface AcceptedUrl {
  readonly ok: true;
  /** The normalized `href`: what must be shown and opened, never the raw string. */
  readonly url: string;
  readonly scheme: 'http' | 'https';
  /** The host name without port (punycode, lower case; IPv6 in brackets). */
  readonly host: string;
  /** The port if it is not the scheme's default, else ''. */
  readonly port: string;
  /** The registrable domain (Public Suffix List, private suffixes included), or the whole IP / localhost host. */
  readonly registrableDomain: string;
  readonly displayParts: UrlDisplayParts;
  /** The host in Unicode, present only when it contains punycode labels. */
  readonly unicodeHost?: string;
  readonly warnings: readonly UrlWarning[];
}

/** Result of `assessElicitationUrl`. */
export type UrlAssessment = AcceptedUrl | { readonly ok: false; readonly reason: string };

// Whitespace, control and invisible format characters (including bidi overrides).
const HIDDEN_CHARS = /[\s\p{Cc}\p{Cf}]/u;
const HTTP_PREFIX = /^https?:\/\//i;

/**
 * Decides whether `url` may be offered to the user and what to warn about.
 * Refuses non-http(s) schemes, malformed or over-long URLs, hidden characters
 * and embedded credentials (`https://bank.com@evil.example`). Never throws.
 */
export function assessElicitationUrl(url: string): UrlAssessment {
  const refusal = refuseRaw(url);
  if (refusal !== undefined) return { ok: false, reason: refusal };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, reason: 'The link is not a valid URL' };
  }
  const problem = refuseParsed(parsed, url);
  if (problem !== undefined) return { ok: false, reason: problem };
  return describe(parsed, url);
}

function refuseRaw(url: unknown): string | undefined {
  if (typeof url !== 'string' || url === '') return 'The link is empty';
  if (url.length > MAX_URL_LENGTH) return `The link is longer than ${MAX_URL_LENGTH} characters`;
  if (HIDDEN_CHARS.test(url)) return 'The link contains spaces, control characters or invisible characters';
  return undefined;
}

function refuseParsed(parsed: URL, raw: string): string | undefined {
  const scheme = parsed.protocol.slice(0, -1);
  if (scheme !== 'http' && scheme !== 'https') {
    return `Only http and https links can be opened; this one uses ${quote(scheme, 20)}`;
  }
  // WHATWG also accepts "https:host", "https:///host" and backslashes; a server has no reason to send those.
  if (!HTTP_PREFIX.test(raw) || /[/\\]/.test(raw.charAt(raw.indexOf(':') + 3))) {
    return 'The link is not a well-formed http(s) URL';
  }
  if (parsed.username !== '' || parsed.password !== '') {
    return 'The link contains a user name or password before the host, a common way to disguise the real site';
  }
  if (parsed.href.length > MAX_URL_LENGTH) return `The link is longer than ${MAX_URL_LENGTH} characters`;
  return undefined;
}

function describe(parsed: URL, raw: string): AcceptedUrl {
  const host = parsed.hostname;
  const domain = registrableDomain(host);
  const unicodeHost = toUnicodeHost(host);
  const result: AcceptedUrl = {
    ok: true,
    url: parsed.href,
    scheme: parsed.protocol === 'https:' ? 'https' : 'http',
    host,
    port: parsed.port,
    registrableDomain: domain,
    displayParts: splitForDisplay(parsed, domain),
    warnings: collectWarnings(parsed, raw, unicodeHost),
  };
  return unicodeHost === undefined ? result : { ...result, unicodeHost };
}

function isIpHost(host: string): boolean {
  // WHATWG has already normalized IPv4 forms like "0x7f.1" to dotted decimal.
  return host.startsWith('[') || /^\d+\.\d+\.\d+\.\d+$/.test(host);
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host.endsWith('.localhost') || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * The registrable domain by the Public Suffix List, private suffixes
 * included: `evil.github.io`, not `github.io`; `example.co.uk`. IP addresses,
 * localhost names and hosts that are themselves a public suffix are returned
 * whole (without a trailing dot). Expects a hostname as `URL` gives it
 * (lower case, punycode).
 */
export function registrableDomain(hostname: string): string {
  const host = hostname.endsWith('.') ? hostname.slice(0, -1) : hostname;
  if (isIpHost(host) || isLoopback(host)) return host;
  return getDomain(host, { allowPrivateDomains: true, extractHostname: false }) ?? host;
}

function splitForDisplay(parsed: URL, domain: string): UrlDisplayParts {
  const href = parsed.href;
  const hostStart = parsed.protocol.length + 2;
  const host = parsed.hostname.endsWith('.') ? parsed.hostname.slice(0, -1) : parsed.hostname;
  if (href.slice(hostStart, hostStart + host.length) !== host || !host.endsWith(domain)) {
    return { before: '', domain: href, after: '' };
  }
  const domainStart = hostStart + host.length - domain.length;
  const domainEnd = domainStart + domain.length;
  return { before: href.slice(0, domainStart), domain: href.slice(domainStart, domainEnd), after: href.slice(domainEnd) };
}

function toUnicodeHost(host: string): string | undefined {
  const labels = host.split('.');
  if (!labels.some(isPunycodeLabel)) return undefined;
  return labels.map((label) => (isPunycodeLabel(label) ? decodeLabel(label) : label)).join('.');
}

function isPunycodeLabel(label: string): boolean {
  return label.toLowerCase().startsWith('xn--');
}

function decodeLabel(label: string): string {
  return decodePunycodeLabel(label.slice(4)) ?? label;
}

function rawHostLabels(raw: string): string[] {
  const authority = /^[a-z][a-z0-9+.-]*:\/\/([^/?#\\]*)/i.exec(raw)?.[1] ?? '';
  const hostPort = authority.slice(authority.lastIndexOf('@') + 1);
  if (hostPort.startsWith('[')) return [];
  const colon = hostPort.lastIndexOf(':');
  const host = colon >= 0 ? hostPort.slice(0, colon) : hostPort;
  // IDNA treats these full stops as dots too.
  return host.split(/[.\u3002\uff0e\uff61]/u);
}

function collectWarnings(parsed: URL, raw: string, unicodeHost: string | undefined): UrlWarning[] {
  const host = parsed.hostname;
  const local = isLoopback(host);
  const warnings: UrlWarning[] = [];
  const add = (code: UrlWarningCode, message: string): void => void warnings.push({ code, message });
  if (parsed.protocol === 'http:' && !local) {
    add('insecure-http', 'The link uses unencrypted http; what you enter there can be read or changed on the way');
  }
  if (unicodeHost !== undefined) {
    add('punycode', `The domain is internationalized (it displays as ${quote(unicodeHost, 80)}) and may imitate another site`);
  }
  const mixed = mixedScriptLabels([...rawHostLabels(raw), ...(unicodeHost ?? '').split('.')]);
  if (mixed !== undefined) {
    add('mixed-script', `The domain mixes alphabets (${mixed.join(' and ')}), a common way to imitate another site`);
  }
  if (isIpHost(host) && !local) add('ip-address', 'The link points to a bare IP address instead of a domain name');
  if (parsed.port !== '' && !local) add('non-standard-port', `The link uses the unusual port ${parsed.port}`);
  return warnings;
}
