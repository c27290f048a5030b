/**
 * The lifecycle of one server, as a pure state machine:
 *
 *   stopped → starting → running → (error | stopped)
 *
 * An unexpected exit from `running` (or a failed start) moves to `error`
 * with `retryInMs` set while restarts remain; the manager schedules the
 * restart and moves back to `starting`. Out of restarts, `error` stays with
 * `retryInMs` undefined: the person has to act. `attempt` counts consecutive
 * failed starts or crashes and is carried through `running`, so a server that
 * crashes right after a restart keeps backing off.
 */
export type ServerState =
  | { kind: 'stopped' }
  | { kind: 'starting'; attempt: number }
  | { kind: 'running'; since: number; attempt: number }
  | { kind: 'error'; message: string; lastStderr: string[]; attempt: number; retryInMs?: number };

export type LifecycleEvent =
  | { type: 'start' }
  | { type: 'connected'; at: number }
  | { type: 'failed'; message: string; lastStderr: string[]; at: number }
  | { type: 'stop' }
  | { type: 'retry' };

/** How restarts back off. */
export interface BackoffPolicy {
  /** Delay before the first restart. */
  initialDelayMs: number;
  /** Upper bound for any delay. */
  maxDelayMs: number;
  /** Restarts tried before giving up. */
  maxRestarts: number;
  /** A server running this long is considered healthy again: the count resets. */
  stableAfterMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = {
  initialDelayMs: 1000,
  maxDelayMs: 30_000,
  maxRestarts: 3,
  stableAfterMs: 60_000,
};

/** Delay before restart number `attempt` (1-based): initial × 2^(attempt−1), capped. */
export function backoffDelay(attempt: number, policy: BackoffPolicy = DEFAULT_BACKOFF): number {
  const exponent = Math.max(0, attempt - 1);
  return Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.min(exponent, 30));
}

/** Thrown for a transition the machine does not allow; a programming error. */
export class IllegalTransitionError extends Error {
  constructor(state: ServerState, event: LifecycleEvent) {
    super(`illegal lifecycle transition: ${event.type} while ${state.kind}`);
  }
}

/**
 * Applies one event. `attempt` counts consecutive failed starts or crashes;
 * it resets when a server has been running for `stableAfterMs`.
 */
export function transition(state: ServerState, event: LifecycleEvent, policy: BackoffPolicy = DEFAULT_BACKOFF): ServerState {
  switch (event.type) {
    case 'start':
      if (state.kind === 'stopped' || state.kind === 'error') return { kind: 'starting', attempt: 0 };
      if (state.kind === 'starting' || state.kind === 'running') return state;
      break;
    case 'retry':
      if (state.kind === 'error' && state.retryInMs !== undefined) return { kind: 'starting', attempt: state.attempt };
      break;
    case 'connected':
      if (state.kind === 'starting') return { kind: 'running', since: event.at, attempt: state.attempt };
      break;
    case 'failed': {
      if (state.kind !== 'starting' && state.kind !== 'running') break;
      const previous = state.kind === 'starting' ? state.attempt : event.at - state.since >= policy.stableAfterMs ? 0 : state.attempt;
      const attempt = previous + 1;
      const retryInMs = attempt <= policy.maxRestarts ? backoffDelay(attempt, policy) : undefined;
      return { kind: 'error', message: event.message, lastStderr: event.lastStderr, attempt, retryInMs };
    }
    case 'stop':
      return { kind: 'stopped' };
  }
  throw new IllegalTransitionError(state, event);
}

/** A short status text for trees and status bars. */
export function describeState(state: ServerState): string {
  switch (state.kind) {
    case 'stopped':
      return 'Stopped';
    case 'starting':
      return state.attempt > 0 ? `Restarting (attempt ${state.attempt})…` : 'Starting…';
    case 'running':
      return 'Running';
    case 'error':
      return state.retryInMs !== undefined ? `Crashed, restarting in ${Math.round(state.retryInMs / 1000)} s` : `Error: ${state.message}`;
  }
}
