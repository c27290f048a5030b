import { Emitter } from '../events';

/** Global switches the person controls from the panel. */
export class HostControls {
  private _samplingPaused = false;
  private readonly _onDidChange = new Emitter<void>();
  readonly onDidChange = this._onDidChange.event;

  /** While true, every sampling request is rejected at once. */
  get samplingPaused(): boolean {
    return this._samplingPaused;
  }

  set samplingPaused(value: boolean) {
    if (value === this._samplingPaused) return;
    this._samplingPaused = value;
    this._onDidChange.fire();
  }
}
