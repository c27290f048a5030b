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
 * one of these and pauses and resumes it around every server request, so
 * activity only notes the time (`touch`, `resume`): the one timer is re-armed
 * when it runs, for what is left of the idle time since the last activity, or
 * by a `resume` after it ran while paused. A sampling request answered at once
 * costs the call no timer operation.
 */
export class IdleWatchdog {
  private timer: ReturnType<typeof setTimeout>;
  /** False once the timer ran while paused (a `resume` arms it again). */
  private armed = true;
  private paused = false;
  private disposed = false;
  private lastActivity = performance.now();

  constructor(
    private readonly ms: number,
    private readonly onIdle: () => void,
  ) {
    this.timer = setTimeout(() => this.check(), ms);
  }

  touch(): void {
    if (!this.paused && !this.disposed) this.lastActivity = performance.now();
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    if (!this.paused || this.disposed) return;
    this.paused = false;
    this.lastActivity = performance.now();
    if (!this.armed) this.arm(this.ms);
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.timer);
  }

  private arm(ms: number): void {
    this.armed = true;
    this.timer = setTimeout(() => this.check(), ms);
  }

  private check(): void {
    this.armed = false;
    if (this.disposed || this.paused) return;
    const idle = performance.now() - this.lastActivity;
    if (idle >= this.ms) this.onIdle();
    else this.arm(this.ms - idle);
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
