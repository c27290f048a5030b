/**
 * The SDK `Client` validates every `elicitation/create` against the spec's
 * schema before any handler runs, and answers -32602 with a raw schema dump
 * when it fails: the person never learns that a server asked for something.
 * `HostClient` lets requests the host will refuse reach the host instead, so
 * it can answer -32602 with a readable reason AND show what was refused.
 * Valid requests take the SDK's path unchanged (validation of request and result).
 * In the 2026-07-28 era a refused input request is left out of the MRTR retry
 * (see `mrtrRefusal.ts`) so the server learns of the refusal.
 */
import { Client, type ClientContext, type JSONRPCRequest, type JSONRPCResponse, type Result } from '@modelcontextprotocol/client';
import { refusalAsOmission } from './mrtrRefusal';
import { withDefaultResultType } from './resultType';
import { checkElicitationParams } from './elicitation/params';

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
  /** Told when a refused input request is left out of an MRTR retry (2026-07-28 era). */
  onInputOmitted: ((method: string, reason: unknown) => void) | undefined;

  protected override _onresponse(response: JSONRPCResponse): void {
    // Legacy results never carry resultType; the legacy codec needs none.
    super._onresponse(this.getProtocolEra() === 'legacy' ? response : withDefaultResultType(response));
  }

  protected override _wrapHandler(method: string, handler: (request: JSONRPCRequest, ctx: ClientContext) => Promise<Result>): (request: JSONRPCRequest, ctx: ClientContext) => Promise<Result> {
    const inner = this.withRefusedRoute(method, super._wrapHandler(method, handler));
    if (method !== 'elicitation/create' && method !== 'sampling/createMessage') return inner;
    // The modern era has no server→client requests on the wire: every call
    // of these handlers fulfils an embedded input request of an MRTR round.
    const omitting = refusalAsOmission(inner, (m, reason) => this.onInputOmitted?.(m, reason));
    return (request, ctx) => (this.getProtocolEra() === 'modern' ? omitting(request, ctx) : inner(request, ctx));
  }

  private withRefusedRoute(method: string, wrapped: (request: JSONRPCRequest, ctx: ClientContext) => Promise<Result>): (request: JSONRPCRequest, ctx: ClientContext) => Promise<Result> {
    if (method !== 'elicitation/create') return wrapped;
    return async (request, ctx) => {
      const route = this.onRefusedElicitation;
      if (route && checkElicitationParams(request.params, this.getProtocolEra()).kind === 'refused') return route(request.params, ctx);
      return wrapped(request, ctx);
    };
  }
}
