/**
 * A loopback redirect (RFC 8252 §7.3): a one-shot HTTP listener on
 * 127.0.0.1 that receives the authorization server's redirect in the
 * person's browser. The client registers `http://127.0.0.1/callback` and
 * uses the listener's port at authorization time, which RFC 8252 requires
 * authorization servers to accept. Only GET /callback with the expected
 * `state` is taken; anything else gets 404.
 */
import { createServer, type Server } from 'node:http';
import { RedirectWaiters } from './redirectWaiters';

const HOST = '127.0.0.1';
const PATH = '/callback';

/** The page the browser shows after the redirect (static text, nothing from the request). */
const DONE_PAGE = '<!doctype html><meta charset="utf-8"><title>Signed in</title><p>You can close this tab and return to VS Code.</p>';

/** A loopback listener for one sign-in at a time. */
export class LoopbackRedirect {
  /** What is registered with the authorization server: no port (RFC 8252 §7.3). */
  readonly registeredRedirectUrl = `http://${HOST}${PATH}`;
  private server: Server | undefined;
  private port: number | undefined;
  private readonly waiters = new RedirectWaiters();

  /** The redirect URI for the authorization request: with the listener's port once listening. */
  get redirectUrl(): string {
    return this.port === undefined ? this.registeredRedirectUrl : `http://${HOST}:${this.port}${PATH}`;
  }

  /** Starts listening on a free port of 127.0.0.1 (idempotent). */
  async listen(): Promise<void> {
    if (this.server) return;
    const server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', `http://${HOST}`);
      if (req.method !== 'GET' || url.pathname !== PATH || !this.waiters.has(url.searchParams.get('state'))) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
        return;
      }
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(DONE_PAGE);
      this.waiters.deliver(url.searchParams);
      // One-shot: nothing else is accepted once the redirect arrived.
      this.close();
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, HOST, () => resolve());
    });
    const address = server.address();
    this.port = typeof address === 'object' && address ? address.port : undefined;
  }

  /** Resolves with the query of the redirect carrying `state`; rejects when `signal` aborts. */
  wait(state: string, signal: AbortSignal): Promise<URLSearchParams> {
    return this.waiters.wait(state, signal);
  }

  /**
   * Stops listening. The port stays in `redirectUrl`: the token request must
   * repeat the redirect URI of the authorization request.
   */
  close(): void {
    this.server?.close();
    this.server = undefined;
    // Whoever still waits learns that no redirect will come.
    this.waiters.rejectAll(new Error('the sign-in listener closed'));
  }
}
