import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ProtocolError, SdkError, SdkErrorCode, SdkHttpError } from '@modelcontextprotocol/client';
import { shouldFallBackToSse } from '../../src/host/transports';

/** What the SDK's Streamable HTTP transport throws for a non-2xx answer to a POST. */
function httpError(status: number, body = 'nope'): SdkHttpError {
  return new SdkHttpError(SdkErrorCode.ClientHttpNotImplemented, `Error POSTing to endpoint: ${body}`, { status, statusText: 'x', text: body });
}

describe('Streamable HTTP → SSE fallback decision', () => {
  it('falls back on the HTTP statuses the spec names: 400, 404, 405', () => {
    for (const status of [400, 404, 405]) assert.equal(shouldFallBackToSse(httpError(status)), true, String(status));
  });

  it('does not fall back on other HTTP statuses, whatever the body says', () => {
    for (const status of [401, 403, 500, 502]) assert.equal(shouldFallBackToSse(httpError(status, 'upstream answered 404 / 405')), false, String(status));
  });

  it('does not fall back when only the error text mentions 404', () => {
    assert.equal(shouldFallBackToSse(new Error('Error POSTing to endpoint: 404 Not Found')), false);
    assert.equal(shouldFallBackToSse(new SdkError(SdkErrorCode.RequestTimeout, 'Request timed out after 405 ms')), false);
    assert.equal(shouldFallBackToSse(new Error("Server's protocol version is not supported: 400")), false);
  });

  it('does not take a JSON-RPC error code for an HTTP status', () => {
    // A server chooses its JSON-RPC codes freely: 404 there means nothing about the transport.
    assert.equal(shouldFallBackToSse(new ProtocolError(404, 'Not Found')), false);
    assert.equal(shouldFallBackToSse(new ProtocolError(405, 'Method Not Allowed')), false);
  });

  it('does not trust a look-alike object with a status field', () => {
    assert.equal(shouldFallBackToSse({ status: 404, message: 'Not Found' }), false);
    assert.equal(shouldFallBackToSse(undefined), false);
  });
});
