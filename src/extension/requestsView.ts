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
  /** Handles a validated message other than `ready`. */
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
  /** A badge update waiting for the end of this turn (see `send`). */
  private badgeTimer: ReturnType<typeof setTimeout> | undefined;
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
      }
    });
    view.onDidChangeVisibility(() => this.updateBadge());
    this.updateBadge();
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
    Promise.resolve(this.model.handle(message)).catch((err) => this.log.error(`Requests view action failed: ${err instanceof Error ? err.message : String(err)}`));
  }

  private send(delta: RequestsDelta): void {
    // Every badge change is a round trip to the workbench, which re-renders the
    // view's activity badge: a burst of 200 cards sets it once, not 200 times.
    if (delta.type === 'cardAdded' || delta.type === 'cardRemoved' || delta.type === 'cardUpdated') this.badgeTimer ??= setTimeout(() => this.updateBadge(), 0);
    // A view that is not ready gets everything with its `ready`.
    if (this.ready) this.post(delta);
  }

  private post(message: ExtensionToWebview): void {
    void this.view?.webview.postMessage(message);
  }

  private updateBadge(): void {
    clearTimeout(this.badgeTimer);
    this.badgeTimer = undefined;
    if (!this.view) return;
    const pending = this.model.waitingCount();
    // Setting the badge is a message to the workbench even when nothing changes.
    if ((this.view.badge?.value ?? 0) === pending) return;
    this.view.badge = pending > 0 ? { value: pending, tooltip: pending === 1 ? '1 request waiting for review' : safe`${pending} requests waiting for review` } : undefined;
  }

  dispose(): void {
    clearTimeout(this.badgeTimer);
    for (const d of this.disposables) d.dispose();
  }
}
