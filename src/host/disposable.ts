/** Something that holds a resource and releases it once. */
export interface IDisposable {
  dispose(): void;
}

/** Wraps a cleanup function as a disposable that runs at most once. */
export function toDisposable(fn: () => void): IDisposable {
  let done = false;
  return {
    dispose() {
      if (!done) {
        done = true;
        fn();
      }
    },
  };
}

/**
 * Base class for everything that owns resources: register children with
 * `_register()`; disposing the parent disposes them in reverse order.
 */
export abstract class Disposable implements IDisposable {
  private readonly _children: IDisposable[] = [];
  private _disposed = false;

  protected get isDisposed(): boolean {
    return this._disposed;
  }

  protected _register<T extends IDisposable>(child: T): T {
    if (this._disposed) {
      child.dispose();
    } else {
      this._children.push(child);
    }
    return child;
  }

  dispose(): void {
    if (this._disposed) return;
    this._disposed = true;
    while (this._children.length > 0) {
      const child = this._children.pop();
      try {
        child?.dispose();
      } catch {
        // A failing child must not keep its siblings alive.
      }
    }
  }
}
