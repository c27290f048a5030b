import type { Transport } from '@modelcontextprotocol/client';
import type { LogSink } from './types';

/**
 * One time limit shared by several steps (the handshake, then the list fetch):
 * each step raced against it fails with a readable error naming the step that
 * was still waiting when the time ran out.
 */
export class Deadline {
  private readonly expired = new AbortController();
  private readonly timer: ReturnType<typeof setTimeout>;

  constructor(private readonly ms: number) {
    this.timer = setTimeout(() => this.expired.abort(), ms);
  }

  /** Settles like `work`, or rejects once the deadline passes; `what` completes "no answer within N s …". */
  race<T>(work: Promise<T>, what: string): Promise<T> {
    const signal = this.expired.signal;
    return new Promise<T>((resolve, reject) => {
      const onExpired = () => reject(new Error(`no answer within ${formatSeconds(this.ms)} s ${what}`));
      if (signal.aborted) return onExpired();
      signal.addEventListener('abort', onExpired, { once: true });
      // `work` may still reject after the deadline (its transport is closed then): handled here.
      work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onExpired));
    });
  }

  dispose(): void {
    clearTimeout(this.timer);
  }
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? String(ms / 1000) : (ms / 1000).toFixed(1);
}

/** Resolves once `work` settles (whichever way), or after `ms`. */
export function settledWithin(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    work.then(
      () => undefined,
      () => undefined,
    ),
    new Promise<void>((resolve) => (timer = setTimeout(resolve, ms))),
  ]).finally(() => clearTimeout(timer));
}

/**
 * A timer that fires after `ms` of inactivity; pausable. One tool call makes
 * one of these and pauses and resumes it around every server request, so it
 * keeps one Node timer for its whole life: `touch` and `resume` re-arm it with
 * `refresh()` (no new timer object, no clear-and-set), and `pause` only sets a
 * flag, the timer firing while paused doing nothing (`resume` re-arms it).
 */
export class IdleWatchdog {
  private readonly timer: ReturnType<typeof setTimeout>;
  private paused = false;
  private disposed = false;

  constructor(ms: number, onIdle: () => void) {
    this.timer = setTimeout(() => {
      if (!this.paused && !this.disposed) onIdle();
    }, ms);
  }

  touch(): void {
    if (!this.paused && !this.disposed) this.timer.refresh();
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    if (!this.paused || this.disposed) return;
    this.paused = false;
    this.timer.refresh();
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.timer);
  }
}

const TRACE_LIMIT = 2000;

/**
 * Logs every JSON-RPC message at trace level once connected. Patched after
 * connect() because the SDK installs its own `onmessage` there (and probes
 * stdio servers on a sibling process only for its own, unwrapped transport).
 */
export function traceMessages(transport: Transport, log: LogSink, enabled: (() => boolean) | undefined): void {
  if (!enabled) return;
  const describe = (message: unknown) => {
    const text = JSON.stringify(message) ?? '';
    return text.length > TRACE_LIMIT ? `${text.slice(0, TRACE_LIMIT)}… (${text.length} chars)` : text;
  };
  const send = transport.send.bind(transport);
  transport.send = (message, options) => {
    if (enabled()) log.trace(`→ ${describe(message)}`);
    return send(message, options);
  };
  const receive = transport.onmessage;
  if (receive) {
    transport.onmessage = (message, extra) => {
      if (enabled()) log.trace(`← ${describe(message)}`);
      receive(message, extra);
    };
  }
}

/**
 * A signal aborted (with the first one's reason) as soon as `a` or `b` is, for
 * as long as the caller holds it: `dispose` takes its listeners off both, so a
 * long-lived signal (a connection's lifetime) keeps none once a request ends.
 * Cheaper per request than `AbortSignal.any`, which keeps weak references and
 * a registry entry for every signal it ever returned.
 */
export function linkedSignal(a: AbortSignal, b: AbortSignal): { signal: AbortSignal; dispose(): void } {
  if (a.aborted) return { signal: AbortSignal.abort(a.reason), dispose: noop };
  if (b.aborted) return { signal: AbortSignal.abort(b.reason), dispose: noop };
  const controller = new AbortController();
  const fromA = () => {
    controller.abort(a.reason);
    b.removeEventListener('abort', fromB);
  };
  const fromB = () => {
    controller.abort(b.reason);
    a.removeEventListener('abort', fromA);
  };
  a.addEventListener('abort', fromA, { once: true });
  b.addEventListener('abort', fromB, { once: true });
  return {
    signal: controller.signal,
    dispose: () => {
      a.removeEventListener('abort', fromA);
      b.removeEventListener('abort', fromB);
    },
  };
}

function noop(): void {}
