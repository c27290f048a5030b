/**
 * Sign-ins waiting for their authorization redirect, keyed by `state`. Shared
 * by the loopback listener and the VS Code URI handler: each waiter settles
 * once, on its redirect, on its abort signal, or when the receiver closes.
 */
export class RedirectWaiters {
  private readonly waiting = new Map<string, { resolve(params: URLSearchParams): void; reject(err: Error): void }>();

  /** True while a sign-in waits for a redirect carrying `state`. */
  has(state: string | null): boolean {
    return state !== null && this.waiting.has(state);
  }

  /** Resolves with the redirect carrying `state`; rejects when `signal` aborts or the receiver closes. */
  wait(state: string, signal: AbortSignal): Promise<URLSearchParams> {
    return new Promise((resolve, reject) => {
      const settle = () => {
        this.waiting.delete(state);
        signal.removeEventListener('abort', onAbort);
      };
      const onAbort = () => {
        settle();
        reject(signal.reason instanceof Error ? signal.reason : new Error('cancelled'));
      };
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiting.set(state, {
        resolve: (params) => {
          settle();
          resolve(params);
        },
        reject: (err) => {
          settle();
          reject(err);
        },
      });
    });
  }

  /** Hands a redirect to the sign-in waiting for its `state`; false when nobody waits for it. */
  deliver(params: URLSearchParams): boolean {
    const waiter = this.waiting.get(params.get('state') ?? '');
    waiter?.resolve(params);
    return waiter !== undefined;
  }

  /** Fails every waiting sign-in: no redirect will come. */
  rejectAll(err: Error): void {
    for (const waiter of [...this.waiting.values()]) waiter.reject(err);
  }
}
