/**
 * The SDK `Client` validates every `elicitation/create` against the spec's
 * schema before any handler runs, and answers -32602 with a raw schema dump
 * when it fails: the person never learns that a server asked for something.
 * `HostClient` lets requests the host will refuse reach the host instead, so
 * it can answer -32602 with a readable reason AND show what was refused.
 * Valid requests take the SDK's path unchanged (validation of request and result).
 */
import { Client, type ClientContext, type JSONRPCRequest, type JSONRPCResponse, type Result } from '@modelcontextprotocol/client';
import { withDefaultResultType } from '../resultType';
import { checkElicitationParams } from './params';

/** Receives elicitation requests the host refuses; it should throw the -32602 error. */
export type RefusedElicitationRoute = (params: unknown, ctx: ClientContext) => Promise<Result>;

/**
 * A `Client` that routes out-of-spec elicitation requests to
 * `onRefusedElicitation`, and treats a 2026-era result without `resultType`
 * as complete (see `resultType.ts` for the SDK gap).
 */
export class HostClient extends Client {
  /** Set before connecting; when unset, the SDK's own refusal applies. */
  onRefusedElicitation: RefusedElicitationRoute | undefined;

  protected override _onresponse(response: JSONRPCResponse): void {
    // Legacy results never carry resultType; the legacy codec needs none.
    super._onresponse(this.getProtocolEra() === 'legacy' ? response : withDefaultResultType(response));
  }

  protected override _wrapHandler(method: string, handler: (request: JSONRPCRequest, ctx: ClientContext) => Promise<Result>): (request: JSONRPCRequest, ctx: ClientContext) => Promise<Result> {
    const wrapped = super._wrapHandler(method, handler);
    if (method !== 'elicitation/create') return wrapped;
    return async (request, ctx) => {
      const route = this.onRefusedElicitation;
      if (route && checkElicitationParams(request.params, this.getProtocolEra()).kind === 'refused') return route(request.params, ctx);
      return wrapped(request, ctx);
    };
  }
}
