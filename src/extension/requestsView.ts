import * as vscode from 'vscode';
import { parseWebviewMessage, type ExtensionToWebview, type RequestsViewState, type WebviewToExtension } from '../shared/protocol';
import { safe } from '../shared/safeText';
import { webviewHtml, webviewOptions } from './webviewHtml';

/** A change to send on to a view that has its full state already. */
export type RequestsDelta = Exclude<ExtensionToWebview, { type: 'requestsState' | 'toolResult' | 'toolArgsForm' }>;

/** The source of truth for the Requests view; the view only renders it. */
export interface RequestsModel {
  /** The full state (sent on every `ready`). */
  state(): RequestsViewState;
  /** Requests waiting for the person (for the badge), without building the whole state. */
  waitingCount(): number;
  /** Each change, as the delta a ready view gets. */
  readonly onDidChange: vscode.Event<RequestsDelta>;
  /** Handles a validated message other than `ready` and `command` (the view runs those). */
  handle(message: WebviewToExtension): void | Promise<void>;
}

/**
 * The "Requests" webview view. The extension owns the state: it sends all of
 * it whenever the view (re)loads (so hiding or closing the view loses
 * nothing), and only deltas in between.
 */
export class RequestsViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  static readonly viewId = 'mcpApprovalHost.requests';
  private view: vscode.WebviewView | undefined;
  private ready = false;
  /** Settles once the last message posted to the view has reached the workbench (see `afterDelivery`). */
  private delivered: Promise<unknown> = Promise.resolve();
  /** Tasks waiting for this turn's messages to reach the view, by key (one per key per turn). */
  private readonly afterTasks = new Map<string, () => void>();
  private afterTimer: ReturnType<typeof setTimeout> | undefined;
  private shownBadge = 0;
  private disposed = false;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly model: RequestsModel,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.disposables.push(model.onDidChange((delta) => this.send(delta)));
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    this.ready = false;
    view.webview.options = webviewOptions(this.extensionUri);
    view.webview.html = webviewHtml(view.webview, this.extensionUri, 'requests', 'Requests');
    const sub = view.webview.onDidReceiveMessage((raw) => this.receive(raw));
    view.onDidDispose(() => {
      sub.dispose();
      if (this.view === view) {
        this.view = undefined;
        this.ready = false;
        this.delivered = Promise.resolve();
      }
    });
    view.onDidChangeVisibility(() => this.updateBadge());
    this.updateBadge(true);
  }

  /** Reveals the view (used by notifications' "Review" action and the command). */
  async reveal(): Promise<void> {
    await vscode.commands.executeCommand(`${RequestsViewProvider.viewId}.focus`);
  }

  get isVisible(): boolean {
    return this.view?.visible ?? false;
  }

  private receive(raw: unknown): void {
    const message = parseWebviewMessage(raw);
    if (!message) {
      this.log.warn('Ignored a malformed message from the Requests view');
      return;
    }
    if (message.type === 'ready') {
      this.ready = true;
      this.updateBadge();
      this.post({ type: 'requestsState', state: this.model.state() });
      return;
    }
    if (message.type === 'command') {
      // A command from the fixed list (parseWebviewMessage checks it).
      void vscode.commands.executeCommand(`mcpApprovalHost.${message.command}`).then(undefined, (err: unknown) => this.log.error(`Requests view command failed: ${err instanceof Error ? err.message : String(err)}`));
      return;
    }
    Promise.resolve(this.model.handle(message)).catch((err) => this.log.error(`Requests view action failed: ${err instanceof Error ? err.message : String(err)}`));
  }

  /**
   * Runs `task` once the messages posted to the view in this turn have reached
   * the workbench, at most once per `key` per turn (a burst of 200 cards runs
   * it once). For the workbench's own surfaces that follow the queue (the
   * view's badge, the status bar): each update is a round trip that makes the
   * workbench re-render, and the webview shares the workbench's thread, so an
   * update sent next to a card would hold the card back (measured: about 6 ms
   * of the 13 ms from post to the webview's message event). With no view, or
   * nothing posted, the task runs at the end of the turn.
   */
  afterDelivery(key: string, task: () => void): void {
    this.afterTasks.set(key, task);
    this.afterTimer ??= setTimeout(() => {
      this.afterTimer = undefined;
      void this.delivered.then(() => {
        const tasks = [...this.afterTasks.values()];
        this.afterTasks.clear();
        if (!this.disposed) for (const t of tasks) t();
      });
    }, 0);
  }

  private send(delta: RequestsDelta): void {
    // A view that is not ready gets everything with its `ready`.
    if (this.ready) this.post(delta);
    if (delta.type === 'cardAdded' || delta.type === 'cardRemoved' || delta.type === 'cardUpdated') this.afterDelivery('badge', () => this.updateBadge());
  }

  private post(message: ExtensionToWebview): void {
    if (!this.view) return;
    this.delivered = Promise.resolve(this.view.webview.postMessage(message)).catch(() => false);
  }

  private updateBadge(force = false): void {
    if (!this.view) return;
    const pending = this.model.waitingCount();
    // Setting the badge is a round trip to the workbench even when nothing changed.
    if (pending === this.shownBadge && !force) return;
    this.shownBadge = pending;
    this.view.badge = pending > 0 ? { value: pending, tooltip: pending === 1 ? '1 request waiting for review' : safe`${pending} requests waiting for review` } : undefined;
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.afterTimer);
    this.afterTasks.clear();
    for (const d of this.disposables) d.dispose();
  }
}
