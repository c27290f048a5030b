/**
 * 2026-07-28 says a result without `resultType` MUST be treated as
 * `complete` (SEP-2322, basic/patterns/mrtr). @modelcontextprotocol/client
 * 2.4.0 does not: `rev2026Codec.decodeResult` rejects such a result with
 * "missing required resultType" (SdkErrorCode.InvalidResult), so a tool call
 * to a server that leaves it out fails in the host although the server
 * answered. This adapter fills the default in where responses enter the
 * SDK's protocol layer (`HostClient._onresponse`), before the codec sees
 * them. Remove it once the SDK applies the default itself.
 */
import type { JSONRPCResponse } from '@modelcontextprotocol/client';

/** The value a missing `resultType` stands for. */
export const DEFAULT_RESULT_TYPE = 'complete';

/**
 * Returns the response with `result.resultType` set to `complete` when the
 * result is an object without one; every other message is returned as is
 * (errors, non-object results, and results that carry any `resultType`,
 * valid or not, so the SDK still rejects a malformed one).
 */
export function withDefaultResultType(response: JSONRPCResponse): JSONRPCResponse {
  if (!('result' in response)) return response;
  const result: unknown = response.result;
  if (typeof result !== 'object' || result === null || Array.isArray(result)) return response;
  if (Object.prototype.hasOwnProperty.call(result, 'resultType')) return response;
  return { ...response, result: { ...result, resultType: DEFAULT_RESULT_TYPE } };
}
