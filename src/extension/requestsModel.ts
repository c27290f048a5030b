import * as vscode from 'vscode';
import type { ServerManager } from '../host/serverManager';
import type { HostControls } from '../host/requests/controls';
import type { BrokerChange, BrokerEntry, RequestBroker } from '../host/requests/broker';
import type { CardPatch, RequestCard, RequestsStatus, RequestsViewState, WebviewToExtension } from '../shared/protocol';
import type { ElicitationCard } from '../shared/elicitationProtocol';
import type { BlockView, MessageView, SamplingCard } from '../shared/samplingProtocol';
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

  openCount(): number {
    return this.broker.openCount;
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

function toCard(entry: BrokerEntry): RequestCard {
  const base = {
    id: entry.id,
    server: { name: entry.server, reportedName: entry.origin.reportedName },
    toolCall: entry.origin.toolCall,
    createdAt: entry.createdAt,
    deadline: entry.deadline,
    closed: entry.closed,
  };
  switch (entry.kind) {
    case 'sampling':
      return { ...base, kind: 'sampling', sampling: entry.card };
    case 'elicitation':
      return { ...base, kind: 'elicitation', elicitation: entry.card };
  }
}

function toPatch(change: Extract<BrokerChange, { type: 'updated' }>): CardPatch {
  const unset = change.patch ? Object.keys(change.patch).filter((k) => (change.patch as Record<string, unknown>)[k] === undefined) : [];
  const extra = { ...(change.closed && { closed: change.closed }), ...(unset.length > 0 && { unset }) };
  switch (change.entry.kind) {
    case 'sampling': {
      const patch = change.patch as Partial<SamplingCard> | undefined;
      // The webview keeps the media it got with the card; updates only ever change text blocks.
      return { kind: 'sampling', ...extra, ...(patch && { patch: patch.messages ? { ...patch, messages: patch.messages.map(withoutMedia) } : patch }) };
    }
    case 'elicitation':
      return { kind: 'elicitation', ...extra, ...(change.patch && { patch: change.patch as Partial<ElicitationCard> }) };
  }
}

function withoutMedia(message: MessageView): MessageView {
  return { ...message, blocks: message.blocks.map(stripBlock) };
}

function stripBlock(block: BlockView): BlockView {
  switch (block.kind) {
    case 'image':
    case 'audio': {
      const { data: _data, ...rest } = block;
      return rest;
    }
    case 'toolResult':
      return { ...block, content: block.content.map(stripBlock) };
    default:
      return block;
  }
}
