// The site a URL-mode elicitation asks to open, as the consent shows it: the
// registrable domain by the Public Suffix List, private section included, so
// that one tenant of a shared hosting suffix is never shown as the whole suffix.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assessElicitationUrl, registrableDomain, type AcceptedUrl } from '../../src/shared/elicitation';

function accepted(url: string): AcceptedUrl {
  const result = assessElicitationUrl(url);
  assert.ok(result.ok, `expected ${url} to be accepted`);
  return result;
}

describe('registrableDomain (Public Suffix List)', () => {
  it('shows a tenant of a private suffix, not the hosting provider', () => {
    assert.equal(registrableDomain('evil.github.io'), 'evil.github.io');
    assert.equal(registrableDomain('login.evil.github.io'), 'evil.github.io');
    assert.equal(registrableDomain('x.vercel.app'), 'x.vercel.app');
    assert.equal(registrableDomain('a.b.x.vercel.app'), 'x.vercel.app');
    assert.equal(registrableDomain('my-bucket.s3.amazonaws.com'), 'my-bucket.s3.amazonaws.com');
  });

  it('takes the label left of an ICANN suffix', () => {
    assert.equal(registrableDomain('a.b.example.com'), 'example.com');
    assert.equal(registrableDomain('example.com'), 'example.com');
    assert.equal(registrableDomain('shop.example.co.uk'), 'example.co.uk');
    assert.equal(registrableDomain('www.example.com.au'), 'example.com.au');
    assert.equal(registrableDomain('city.kawasaki.jp'), 'city.kawasaki.jp'); // an exception rule
    assert.equal(registrableDomain('www.example.com.'), 'example.com');
    assert.equal(registrableDomain('example.com.'), 'example.com');
  });

  it('shows the whole host when there is no registrable domain', () => {
    assert.equal(registrableDomain('github.io'), 'github.io');
    assert.equal(registrableDomain('co.uk'), 'co.uk');
    assert.equal(registrableDomain('intranet'), 'intranet');
  });

  it('keeps IP addresses and localhost whole', () => {
    assert.equal(registrableDomain('192.168.0.1'), '192.168.0.1');
    assert.equal(registrableDomain('[::1]'), '[::1]');
    assert.equal(registrableDomain('[2001:db8::1]'), '[2001:db8::1]');
    assert.equal(registrableDomain('localhost'), 'localhost');
    assert.equal(registrableDomain('app.localhost'), 'app.localhost');
  });

  it('works on punycode hosts as the URL parser gives them', () => {
    assert.equal(registrableDomain('www.xn--pple-43d.com'), 'xn--pple-43d.com');
    assert.equal(registrableDomain('shop.xn--e1afmkfd.xn--p1ai'), 'xn--e1afmkfd.xn--p1ai'); // пример.рф
    assert.equal(registrableDomain('a.xn--85x722f.xn--55qx5d.cn'), 'xn--85x722f.xn--55qx5d.cn'); // 公司.cn is a suffix
  });

  it('is what the consent bolds in the URL', () => {
    const evil = accepted('https://login.evil.github.io/oauth?next=1');
    assert.equal(evil.registrableDomain, 'evil.github.io');
    assert.deepEqual(evil.displayParts, { before: 'https://login.', domain: 'evil.github.io', after: '/oauth?next=1' });
    const idn = accepted('https://www.пример.рф/');
    assert.equal(idn.registrableDomain, 'xn--e1afmkfd.xn--p1ai');
    assert.equal(idn.unicodeHost, 'www.пример.рф');
  });
});
