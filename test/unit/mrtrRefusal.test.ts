// A refused embedded input request becomes an omitted entry (so the MRTR
// retry reaches the server without it); a cancellation still rejects.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClientContext, JSONRPCRequest } from '@modelcontextprotocol/client';
import { HostError } from '../../src/host/errors';
import { OMITTED, refusalAsOmission } from '../../src/host/mrtrRefusal';

const request: JSONRPCRequest = { jsonrpc: '2.0', id: 'sample_0', method: 'sampling/createMessage', params: { messages: [], maxTokens: 1 } };
const ctxWith = (signal: AbortSignal) => ({ mcpReq: { signal } }) as unknown as ClientContext;

describe('refusalAsOmission', () => {
  it('passes results through', async () => {
    const result = { role: 'assistant', content: { type: 'text', text: 'hi' }, model: 'm' };
    const wrapped = refusalAsOmission(async () => result, () => assert.fail('not omitted'));
    assert.equal(await wrapped(request, ctxWith(new AbortController().signal)), result);
  });

  it('turns a refusal into an omitted entry that JSON drops, and reports it', async () => {
    const omitted: string[] = [];
    const wrapped = refusalAsOmission(
      async () => {
        throw HostError.userRejected();
      },
      (method, reason) => omitted.push(`${method}: ${(reason as Error).message}`),
    );
    const answer = await wrapped(request, ctxWith(new AbortController().signal));
    assert.equal(answer, OMITTED);
    assert.equal(JSON.stringify({ inputResponses: { sample_0: answer } }), '{"inputResponses":{}}');
    assert.deepEqual(omitted, ['sampling/createMessage: User rejected sampling request']);
  });

  it('rejects when the request was cancelled, so the round stops', async () => {
    const controller = new AbortController();
    controller.abort(new Error('tool call cancelled'));
    const wrapped = refusalAsOmission(
      async () => {
        throw new Error('aborted');
      },
      () => assert.fail('not omitted'),
    );
    await assert.rejects(wrapped(request, ctxWith(controller.signal)), /aborted/);
  });
});
