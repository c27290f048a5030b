import * as vscode from 'vscode';
import type { ServerManager } from '../host/serverManager';
import type { HostControls } from '../host/requests/controls';
import type { BrokerChange, RequestBroker } from '../host/requests/broker';
import { toCard, toPatch } from '../host/requests/cards';
import { samplingCardNeedsAttention } from '../shared/samplingProtocol';
import type { RequestsStatus, RequestsViewState, WebviewToExtension } from '../shared/protocol';
import type { RequestsDelta, RequestsModel } from './requestsView';

/**
 * Composes the Requests view state from the broker and the server manager,
 * and turns the broker's changes into deltas: a card travels whole once, then
 * only its changed fields, streamed text as appended text, media never again.
 */
export class BrokerRequestsModel implements RequestsModel, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<RequestsDelta>();
  readonly onDidChange = this.emitter.event;
  private readonly subs: Array<{ dispose(): void }>;
  private historyQueued = false;

  constructor(
    private readonly broker: RequestBroker,
    private readonly manager: ServerManager,
    private readonly controls: HostControls,
  ) {
    const status = () => this.emitter.fire({ type: 'statusChanged', status: this.status() });
    this.subs = [broker.onDidChangeEntry((change) => this.onBrokerChange(change)), manager.onDidChange(status), controls.onDidChange(status)];
  }

  state(): RequestsViewState {
    return { ...this.status(), requests: this.broker.pending().map(toCard), history: this.broker.history() };
  }

  /**
   * Open requests the person has to act on: a sampling request that runs and
   * answers without review (policy auto) waits for nobody, and counting it
   * would flash the badge and the status bar on every such request.
   */
  waitingCount(): number {
    let n = 0;
    for (const entry of this.broker.pending()) {
      if (!entry.closed && (entry.kind !== 'sampling' || samplingCardNeedsAttention(entry.card))) n++;
    }
    return n;
  }

  async handle(message: WebviewToExtension): Promise<void> {
    switch (message.type) {
      case 'command':
        await vscode.commands.executeCommand(`mcpApprovalHost.${message.command}`);
        break;
      case 'action':
        this.broker.dispatch(message.id, message.action);
        break;
      case 'dismiss':
        this.broker.dismiss(message.id);
        break;
      case 'rejectAll':
        this.broker.rejectAll(message.server);
        break;
      case 'setSamplingPaused':
        this.controls.samplingPaused = message.paused;
        break;
      case 'ready':
      case 'openResultJson':
      case 'toolArgsAction':
        break;
    }
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
    this.emitter.dispose();
  }

  private status(): RequestsStatus {
    const servers = this.manager.list();
    return { serverCount: servers.length, runningCount: servers.filter((s) => s.state.kind === 'running').length, samplingPaused: this.controls.samplingPaused };
  }

  private onBrokerChange(change: BrokerChange): void {
    switch (change.type) {
      case 'added':
        return this.emitter.fire({ type: 'cardAdded', card: toCard(change.entry) });
      case 'updated':
        return this.emitter.fire({ type: 'cardUpdated', id: change.entry.id, update: toPatch(change) });
      case 'streamed':
        if (change.entry.kind === 'sampling') this.emitter.fire({ type: 'completionDelta', id: change.entry.id, delta: change.delta });
        return;
      case 'removed':
        return this.emitter.fire({ type: 'cardRemoved', id: change.entry.id });
      case 'history':
        // A burst of answers (Reject all) sends the history once.
        if (this.historyQueued) return;
        this.historyQueued = true;
        queueMicrotask(() => {
          this.historyQueued = false;
          this.emitter.fire({ type: 'historyChanged', history: this.broker.history() });
        });
    }
  }
}
