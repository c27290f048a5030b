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
import { Client, type ClientContext, type JSONRPCNotification, type JSONRPCRequest, type JSONRPCResponse, type MessageExtraInfo, type Result } from '@modelcontextprotocol/client';
import { refusalAsOmission } from './mrtrRefusal';
import { withDefaultResultType } from './resultType';
import { checkElicitationParams } from './elicitation/params';

/** Receives elicitation requests the host refuses; it should throw the -32602 error. */
export type RefusedElicitationRoute = (params: unknown, ctx: ClientContext) => Promise<Result>;

/**
 * A `Client` that routes out-of-spec elicitation requests to
 * `onRefusedElicitation`, treats a 2026-era result without `resultType`
 * as complete (see `resultType.ts` for the SDK gap), and delivers a request's
 * progress notifications before its response (below).
 */
export class HostClient extends Client {
  /** Set before connecting; when unset, the SDK's own refusal applies. */
  onRefusedElicitation: RefusedElicitationRoute | undefined;
  /** Told when a refused input request is left out of an MRTR retry (2026-07-28 era). */
  onInputOmitted: ((method: string, reason: unknown) => void) | undefined;

  /**
   * Progress notifications handed to the SDK but not yet delivered, by the
   * request id they belong to (the SDK's key: `Number(progressToken)`).
   */
  private readonly progressInFlight = new Map<number, number>();

  /*
   * SDK gap (@modelcontextprotocol/client 2.x, Protocol._onnotification /
   * _onresponse): a notification's handler runs in a microtask, a response's
   * at once, and the response removes the request's progress handler. So a
   * server's last progress notifications and its result, read in one chunk
   * (stdio: one `data` event, lines delivered in a loop), reach the caller in
   * the wrong order and the progress is dropped ("unknown token"), although
   * the server sent it first, as the spec requires. A response whose request
   * still has progress on the way is delivered one microtask later, after it.
   */
  protected override _onnotification(raw: JSONRPCNotification, extra?: MessageExtraInfo): void {
    const token = raw.method === 'notifications/progress' ? (raw.params as { progressToken?: unknown } | undefined)?.progressToken : undefined;
    if (typeof token !== 'number' && typeof token !== 'string') return super._onnotification(raw, extra);
    const id = Number(token);
    this.progressInFlight.set(id, (this.progressInFlight.get(id) ?? 0) + 1);
    try {
      super._onnotification(raw, extra);
    } finally {
      // Queued after the SDK's delivery (microtasks run in order): by then it ran.
      queueMicrotask(() => {
        const left = (this.progressInFlight.get(id) ?? 1) - 1;
        if (left > 0) this.progressInFlight.set(id, left);
        else this.progressInFlight.delete(id);
      });
    }
  }

  protected override _onresponse(response: JSONRPCResponse): void {
    if (this.progressInFlight.size > 0 && this.progressInFlight.has(Number(response.id))) {
      queueMicrotask(() => this.deliverResponse(response));
      return;
    }
    this.deliverResponse(response);
  }

  private deliverResponse(response: JSONRPCResponse): void {
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
