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
    for (const listener of [...this.listeners]) {
      try {
        listener(e);
      } catch {
        // One failing listener must not starve the others.
      }
    }
  }

  dispose(): void {
    this.listeners.clear();
  }
}
