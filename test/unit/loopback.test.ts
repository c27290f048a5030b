// The loopback redirect: registered without a port, used with one; takes only
// GET /callback with the awaited state, once.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LoopbackRedirect } from '../../src/host/auth/loopback';

describe('LoopbackRedirect', () => {
  it('receives the redirect with the awaited state and then stops listening', async () => {
    const loopback = new LoopbackRedirect();
    assert.equal(loopback.redirectUrl, 'http://127.0.0.1/callback');
    await loopback.listen();
    const url = loopback.redirectUrl;
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    assert.equal(loopback.registeredRedirectUrl, 'http://127.0.0.1/callback');
    const waiting = loopback.wait('s1', new AbortController().signal);
    assert.equal((await fetch(`${url}?state=other&code=x`)).status, 404, 'another state is not taken');
    const page = await fetch(`${url}?state=s1&code=abc&iss=https%3A%2F%2Fas`);
    assert.equal(page.status, 200);
    assert.doesNotMatch(await page.text(), /abc/, 'the page repeats nothing from the request');
    const params = await waiting;
    assert.equal(params.get('code'), 'abc');
    assert.equal(loopback.redirectUrl, url, 'the port stays for the token request');
    await assert.rejects(fetch(`${url}?state=s1&code=again`), 'closed after one redirect');
  });

  it('rejects the wait when cancelled', async () => {
    const loopback = new LoopbackRedirect();
    await loopback.listen();
    const controller = new AbortController();
    const waiting = loopback.wait('s', controller.signal);
    controller.abort(new Error('sign-in cancelled'));
    await assert.rejects(waiting, /cancelled/);
    loopback.close();
  });

  it('rejects the wait when the listener closes without a redirect', async () => {
    const loopback = new LoopbackRedirect();
    await loopback.listen();
    const waiting = loopback.wait('s', new AbortController().signal);
    loopback.close();
    await assert.rejects(waiting, /listener closed/);
  });
});
