import { IDisposable, toDisposable } from './disposable';

/** A subscription function in the style of `vscode.Event`. */
export type Event<T> = (listener: (e: T) => void) => IDisposable;

/** A minimal event emitter with the same shape as `vscode.EventEmitter`. */
export class Emitter<T> implements IDisposable {
  private listeners = new Set<(e: T) => void>();

  readonly event: Event<T> = (listener) => {
    this.listeners.add(listener);
    return toDisposable(() => this.listeners.delete(listener));
  };

  fire(e: T): void {
    // Most emitters have no listener or one (several fire per request on the hot path): no copy for those.
    if (this.listeners.size === 0) return;
    if (this.listeners.size === 1) return call(this.listeners.values().next().value as (e: T) => void, e);
    for (const listener of [...this.listeners]) call(listener, e);
  }

  dispose(): void {
    this.listeners.clear();
  }
}

function call<T>(listener: (e: T) => void, e: T): void {
  try {
    listener(e);
  } catch {
    // One failing listener must not starve the others.
  }
}
