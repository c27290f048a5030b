import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import {
  assessElicitationUrl,
  buildFormModel,
  findSensitiveFields,
  type AcceptedUrl,
  type FormModel,
  type UrlWarningCode,
} from '../../src/shared/elicitation';
import { decodePunycodeLabel } from '../../src/shared/elicitation/punycode';
import { toWords } from '../../src/shared/elicitation/sensitive';

function form(properties: Record<string, unknown>): FormModel {
  const result = buildFormModel({ type: 'object', properties });
  if (!result.ok) assert.fail(result.reason);
  return result.form;
}

/** The kind flagged for a single text property, or undefined. */
function flag(prop: Record<string, unknown>, name = 'f'): string | undefined {
  return findSensitiveFields(form({ [name]: { type: 'string', ...prop } }))[0]?.kind;
}

describe('findSensitiveFields: what it flags', () => {
  test('password-like names in any casing style', () => {
    for (const name of ['password', 'userPassword', 'USER_PASSWORD', 'new-password', 'passwd', 'passcode']) {
      assert.equal(flag({}, name), 'password', name);
    }
  });

  test('passphrases', () => {
    assert.equal(flag({ title: 'Key passphrase' }), 'passphrase');
  });

  test('API keys as identifiers and as prose', () => {
    for (const name of ['apiKey', 'api_key', 'APIKey', 'apikey', 'openai-api-key', 'awsAccessKey']) assert.equal(flag({}, name), 'api-key', name);
    assert.equal(flag({ title: 'Your API key' }), 'api-key');
  });

  test('tokens, including compound identifiers', () => {
    for (const name of ['token', 'accessToken', 'access_token', 'authtoken', 'githubToken']) assert.equal(flag({}, name), 'token', name);
    assert.equal(flag({ description: 'Paste a GitHub personal access token' }), 'token');
  });

  test('secrets and private keys', () => {
    assert.equal(flag({}, 'client_secret'), 'secret');
    assert.equal(flag({}, 'clientsecret'), 'secret');
    assert.equal(flag({ title: 'Webhook secret' }), 'secret');
    assert.equal(flag({}, 'privateKey'), 'private-key');
    assert.equal(flag({ description: 'Your SSH key, PEM encoded' }), 'private-key');
  });

  test('card numbers, CVV/CVC, SSN and PIN', () => {
    assert.equal(flag({ title: 'Credit card number' }), 'card-number');
    assert.equal(flag({}, 'cardNumber'), 'card-number');
    assert.equal(flag({ title: 'Debit card' }), 'card-number');
    for (const name of ['cvv', 'CVC2', 'card_cvv']) assert.equal(flag({}, name), 'card-security-code', name);
    assert.equal(flag({}, 'ssn'), 'ssn');
    assert.equal(flag({ title: 'Social Security Number' }), 'ssn');
    assert.equal(flag({}, 'pin'), 'pin');
    assert.equal(flag({}, 'pinCode'), 'pin');
    assert.equal(flag({ title: 'PIN' }), 'pin');
    assert.equal(flag({ description: 'Enter your 4-digit PIN.' }), 'pin');
    assert.equal(flag({ description: 'your pin code' }), 'pin');
  });

  test('number fields are checked too (a PIN or card number may be numeric)', () => {
    assert.deepEqual(findSensitiveFields(form({ pin: { type: 'integer', title: 'PIN' } })), [
      { name: 'pin', label: 'PIN', kind: 'pin', reason: 'Looks like it asks for a PIN' },
    ]);
  });

  test('results keep form order and carry name, label and a readable reason', () => {
    const found = findSensitiveFields(form({
      user: { type: 'string' },
      pw: { type: 'string', title: 'Password' },
      key: { type: 'string', title: 'OpenAI API key' },
    }));
    assert.deepEqual(found, [
      { name: 'pw', label: 'Password', kind: 'password', reason: 'Looks like it asks for a password' },
      { name: 'key', label: 'OpenAI API key', kind: 'api-key', reason: 'Looks like it asks for an API key' },
    ]);
  });

  test('the more specific kind wins: "API secret" is an API key, not a generic secret', () => {
    assert.equal(flag({ title: 'API secret' }), 'api-key');
  });
});

describe('findSensitiveFields: what it leaves alone', () => {
  test('"pin" inside other words is not a PIN (spinner, shipping, opinion, pinned)', () => {
    for (const name of ['spinner', 'shipping', 'opinion', 'pinned', 'spinEnabled']) assert.equal(flag({}, name), undefined, name);
  });

  test('"pin" as a verb in prose is not a PIN', () => {
    assert.equal(flag({ title: 'Version', description: 'Pin the package to an exact version' }), undefined);
  });

  test('tokenizer settings and token counts are not credentials', () => {
    assert.equal(flag({ title: 'Tokenizer settings' }), undefined);
    assert.equal(flag({}, 'maxTokens'), undefined);
    assert.equal(flag({ title: 'Token limit' }), undefined);
    assert.equal(flag({ description: 'Max token count per reply' }), undefined);
  });

  test('words that merely contain a keyword are not flagged', () => {
    for (const name of ['secretary', 'passport', 'compass', 'keyboard', 'cardinal', 'passenger']) assert.equal(flag({}, name), undefined, name);
  });

  test('booleans and choices cannot hold a typed secret and are not flagged', () => {
    const found = findSensitiveFields(form({
      remember: { type: 'boolean', title: 'Remember my password?' },
      method: { type: 'string', title: 'Token type', enum: ['bearer', 'basic'] },
      scopes: { type: 'array', title: 'API key scopes', items: { type: 'string', enum: ['read'] } },
    }));
    assert.deepEqual(found, []);
  });

  test('ordinary fields are not flagged', () => {
    assert.deepEqual(findSensitiveFields(form({ email: { type: 'string', format: 'email' }, age: { type: 'integer' } })), []);
  });
});

describe('toWords', () => {
  test('splits camelCase, acronyms, snake_case, kebab-case and prose into lower-case words', () => {
    assert.deepEqual(toWords('myAPIKey'), ['my', 'api', 'key']);
    assert.deepEqual(toWords('user_pass-word Token'), ['user', 'pass', 'word', 'token']);
    assert.deepEqual(toWords('cvv2'), ['cvv2']);
    assert.deepEqual(toWords(''), []);
  });
});

function accepted(url: string): AcceptedUrl {
  const result = assessElicitationUrl(url);
  if (!result.ok) assert.fail(`expected ${url} to be accepted: ${result.reason}`);
  return result;
}

const codes = (url: string): UrlWarningCode[] => accepted(url).warnings.map((w) => w.code);

function refused(url: string, fragment: string): void {
  const result = assessElicitationUrl(url);
  if (result.ok) assert.fail(`expected ${JSON.stringify(url)} to be refused`);
  assert.ok(result.reason.includes(fragment), `"${result.reason}" lacks "${fragment}"`);
}

describe('assessElicitationUrl: refusals', () => {
  test('non-http(s) schemes are refused and named', () => {
    refused('javascript:alert(1)', 'this one uses "javascript"');
    refused('JavaScript:alert(1)', 'this one uses "javascript"');
    refused('data:text/html,<script>alert(1)</script>', '"data"');
    refused('file:///etc/passwd', '"file"');
    refused('vscode://vscode.git/clone?url=x', '"vscode"');
    refused('ftp://example.com/x', '"ftp"');
    refused('mailto:a@example.com', '"mailto"');
  });

  test('control characters that the URL parser would silently strip are refused', () => {
    refused('java\nscript:alert(1)', 'control characters');
    refused('https://exam\tple.com', 'control characters');
    refused(' https://example.com', 'spaces');
  });

  test('invisible and bidi-override characters are refused', () => {
    refused('https://example.com/\u202Egpj.exe', 'invisible characters');
    refused('https://exa\u200Bmple.com', 'invisible characters');
  });

  test('malformed URLs are refused', () => {
    refused('', 'The link is empty');
    refused('not a url', 'spaces');
    refused('example.com', 'not a valid URL');
    refused('https://', 'not a valid URL');
    refused('https://exa[mple.com', 'not a valid URL');
  });

  test('forms the WHATWG parser repairs silently are refused', () => {
    refused('https:example.com', 'not a well-formed http(s) URL');
    refused('https:///example.com', 'not a well-formed http(s) URL');
    refused('https:\\\\example.com', 'not a well-formed http(s) URL');
    refused('https://\\example.com', 'not a well-formed http(s) URL');
  });

  test('embedded credentials are refused, including the user@ disguise', () => {
    refused('https://user:pass@example.com/', 'user name or password');
    refused('https://paypal.com@evil.example/login', 'user name or password');
    refused('https://paypal.com%40login@evil.example/', 'user name or password');
  });

  test('URLs over 2048 characters are refused; exactly 2048 is accepted', () => {
    const base = 'https://example.com/';
    assert.equal(accepted(base + 'a'.repeat(2048 - base.length)).url.length, 2048);
    refused(base + 'a'.repeat(2049 - base.length), 'longer than 2048 characters');
  });

  test('a URL that grows past 2048 characters when normalized is refused', () => {
    refused(`https://example.com/${'é'.repeat(400)}`, 'longer than 2048 characters');
  });

  test('non-string input is refused instead of throwing', () => {
    assert.equal(assessElicitationUrl(undefined as unknown as string).ok, false);
    assert.equal(assessElicitationUrl({ href: 'https://x.com' } as unknown as string).ok, false);
  });
});

describe('assessElicitationUrl: warnings', () => {
  test('a plain https URL is normalized and has no warnings', () => {
    const result = accepted('HTTPS://Example.COM/Path?q=1#frag');
    assert.equal(result.url, 'https://example.com/Path?q=1#frag');
    assert.equal(result.scheme, 'https');
    assert.equal(result.host, 'example.com');
    assert.equal(result.port, '');
    assert.deepEqual(result.warnings, []);
  });

  test('punycode host xn--pple-43d.com warns punycode and mixed-script and shows its Unicode form', () => {
    const result = accepted('https://xn--pple-43d.com');
    assert.deepEqual(result.warnings.map((w) => w.code), ['punycode', 'mixed-script']);
    assert.equal(result.unicodeHost, 'аpple.com');
    assert.match(result.warnings[1]!.message, /Cyrillic and Latin/);
  });

  test('a Cyrillic "а" in аpple.com is shown as punycode and warned as mixed-script', () => {
    const result = accepted('https://аpple.com/login');
    assert.equal(result.url, 'https://xn--pple-43d.com/login');
    assert.deepEqual(result.warnings.map((w) => w.code), ['punycode', 'mixed-script']);
  });

  test('a percent-encoded lookalike host is caught after decoding', () => {
    assert.deepEqual(codes('https://%D0%B0pple.com/'), ['punycode', 'mixed-script']);
  });

  test('Greek mixed into a Latin label is mixed-script', () => {
    assert.ok(codes('https://pαypal.com').includes('mixed-script'));
  });

  test('a single-script IDN warns punycode only, not mixed-script', () => {
    assert.deepEqual(codes('https://münchen.de'), ['punycode']);
    assert.deepEqual(codes('https://аррӏе.com'), ['punycode']);
    assert.deepEqual(codes('https://日本語.jp'), ['punycode']);
  });

  test('Latin with Japanese scripts in one label is a normal mix', () => {
    assert.deepEqual(codes('https://abcひらがな漢字.jp'), ['punycode']);
  });

  test('http://localhost:3000/cb has no warnings', () => {
    const result = accepted('http://localhost:3000/cb');
    assert.deepEqual(result.warnings, []);
    assert.equal(result.port, '3000');
  });

  test('other loopback hosts on http have no warnings either', () => {
    for (const url of ['http://127.0.0.1:8080/cb', 'http://127.5.6.7/', 'http://[::1]:5000/', 'http://app.localhost/']) {
      assert.deepEqual(codes(url), [], url);
    }
  });

  test('http://example.com warns insecure-http', () => {
    const result = accepted('http://example.com');
    assert.deepEqual(result.warnings.map((w) => w.code), ['insecure-http']);
    assert.match(result.warnings[0]!.message, /unencrypted/);
  });

  test('IP address hosts warn ip-address, IPv4 and IPv6, however the IPv4 was written', () => {
    assert.deepEqual(codes('http://10.0.0.1/'), ['insecure-http', 'ip-address']);
    assert.deepEqual(codes('https://[2001:db8::1]/'), ['ip-address']);
    const odd = accepted('https://0xC0.0xA8.1.1/');
    assert.equal(odd.host, '192.168.1.1');
    assert.deepEqual(odd.warnings.map((w) => w.code), ['ip-address']);
  });

  test('a non-default port warns non-standard-port; a default port does not', () => {
    assert.deepEqual(codes('https://example.com:8443/'), ['non-standard-port']);
    assert.deepEqual(codes('https://example.com:443/'), []);
    assert.deepEqual(codes('http://example.com:443/'), ['insecure-http', 'non-standard-port']);
  });
});

describe('assessElicitationUrl: domain display', () => {
  test('displayParts splits the normalized URL around the registrable domain', () => {
    const result = accepted('https://login.example.com:8443/path?x=1#y');
    assert.deepEqual(result.displayParts, { before: 'https://login.', domain: 'example.com', after: ':8443/path?x=1#y' });
    assert.equal(result.registrableDomain, 'example.com');
  });

  test('displayParts always concatenate back to the url', () => {
    for (const url of ['https://a.b.c.example.org/x', 'http://localhost:3000/cb', 'https://[2001:db8::1]:8080/', 'https://аpple.com', 'https://example.com./x', 'https://shop.example.co.uk/']) {
      const { displayParts: p, url: href } = accepted(url);
      assert.equal(p.before + p.domain + p.after, href, url);
    }
  });

  test('a trailing-dot host bolds the domain without the dot', () => {
    assert.deepEqual(accepted('https://www.example.com./x').displayParts, { before: 'https://www.', domain: 'example.com', after: './x' });
  });
});

describe('decodePunycodeLabel', () => {
  test('decodes RFC 3492 labels', () => {
    assert.equal(decodePunycodeLabel('pple-43d'), 'аpple');
    assert.equal(decodePunycodeLabel('mnchen-3ya'), 'münchen');
    assert.equal(decodePunycodeLabel('wgv71a119e'), '日本語');
  });

  test('returns undefined for invalid or overflowing input instead of throwing', () => {
    assert.equal(decodePunycodeLabel('99999999999'), undefined);
    assert.equal(decodePunycodeLabel('z'.repeat(80)), undefined);
    assert.equal(decodePunycodeLabel('ab!'), undefined);
    assert.equal(decodePunycodeLabel('é-abc'), undefined);
    assert.equal(decodePunycodeLabel('a'.repeat(300)), undefined);
  });
});
