/**
 * In the 2026-07-28 era a server asks for sampling or elicitation inside an
 * `input_required` result, and the client answers by retrying the original
 * request with `inputResponses` (SEP-2322, basic/patterns/mrtr). An
 * `InputResponses` entry can only be a result: there is no error form. When
 * the person rejects a sampling request (or the host refuses an out-of-spec
 * one) the MRTR way to tell the server is to retry WITHOUT that entry: "If the
 * client fails to send all the information requested … the server SHOULD
 * respond with a new InputRequiredResult … rather than returning an error".
 *
 * The SDK's driver (client 2.4.0) instead fails the whole tool call locally on
 * the first handler error and never retries, so the server learns nothing.
 * `refusalAsOmission` wraps an embedded-request handler so a refusal resolves
 * to `OMITTED` (`undefined`), which the driver stores under the key and JSON
 * drops from the retry: the server sees the entry missing.
 *
 * When a server asks again for what was refused, the person is asked again
 * (each round is a new decision); the SDK's round cap
 * (`inputRequired.maxRounds`) bounds such a loop.
 */
import type { ClientContext, JSONRPCRequest, Result } from '@modelcontextprotocol/client';

/** What an omitted entry is in the driver's responses map: dropped by JSON on the wire. */
export const OMITTED = undefined as unknown as Result;

type Handler = (request: JSONRPCRequest, ctx: ClientContext) => Promise<Result>;

/**
 * Wraps a handler for an embedded input request (2026-07-28 era only): a
 * refusal becomes an omitted entry, reported through `onOmitted`. A
 * cancellation (the tool call or the connection went away) still rejects, so
 * the driver stops instead of retrying.
 */
export function refusalAsOmission(handler: Handler, onOmitted: (method: string, reason: unknown) => void): Handler {
  return async (request, ctx) => {
    try {
      return await handler(request, ctx);
    } catch (err) {
      if (ctx.mcpReq.signal.aborted) throw err;
      onOmitted(request.method, err);
      return OMITTED;
    }
  };
}
