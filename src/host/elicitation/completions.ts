/**
 * Remembers which URL-mode elicitations a server reported complete
 * (`notifications/elicitation/complete`) and wakes whoever waits for them.
 */
import type { IDisposable } from '../disposable';

/** How many completed ids are remembered (oldest forgotten first). */
const REMEMBERED = 200;

/** Completed URL elicitations, keyed by server and elicitation id. */
export class CompletionTracker {
  private readonly done = new Set<string>();
  private readonly waiters = new Map<string, Set<() => void>>();

  /** Records a completion and wakes its waiters. */
  markDone(server: string, elicitationId: string): void {
    const key = keyOf(server, elicitationId);
    this.done.delete(key);
    this.done.add(key);
    if (this.done.size > REMEMBERED) this.done.delete(this.done.values().next().value as string);
    const listeners = this.waiters.get(key);
    this.waiters.delete(key);
    for (const wake of listeners ?? []) wake();
  }

  isDone(server: string, elicitationId: string): boolean {
    return this.done.has(keyOf(server, elicitationId));
  }

  /** Calls `wake` once when the elicitation completes (at once if it already has). */
  onDone(server: string, elicitationId: string, wake: () => void): IDisposable {
    if (this.isDone(server, elicitationId)) {
      wake();
      return { dispose: () => undefined };
    }
    const key = keyOf(server, elicitationId);
    let set = this.waiters.get(key);
    if (!set) this.waiters.set(key, (set = new Set()));
    set.add(wake);
    return { dispose: () => set?.delete(wake) };
  }

  /**
   * Resolves once every id has completed; rejects with the signal's reason if
   * it aborts first.
   */
  waitForAll(server: string, elicitationIds: readonly string[], signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason);
      let remaining = new Set(elicitationIds);
      const subs: IDisposable[] = [];
      const finish = (err?: unknown) => {
        signal.removeEventListener('abort', onAbort);
        for (const s of subs) s.dispose();
        if (err === undefined) resolve();
        else reject(err);
      };
      const onAbort = () => finish(signal.reason ?? new Error('aborted'));
      signal.addEventListener('abort', onAbort, { once: true });
      for (const id of elicitationIds) {
        subs.push(
          this.onDone(server, id, () => {
            remaining = new Set([...remaining].filter((x) => x !== id));
            if (remaining.size === 0) finish();
          }),
        );
      }
      if (elicitationIds.length === 0) finish();
    });
  }
}

function keyOf(server: string, elicitationId: string): string {
  return `${server}\u0000${elicitationId}`;
}
