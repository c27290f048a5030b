import * as vscode from 'vscode';
import type { ServerManager } from '../host/serverManager';
import type { HostControls } from '../host/requests/controls';
import type { BrokerEntry, RequestBroker } from '../host/requests/broker';
import type { RequestCard, RequestsViewState, WebviewToExtension } from '../shared/protocol';
import type { ElicitationCard } from '../shared/elicitationProtocol';
import type { SamplingCard } from '../shared/samplingProtocol';
import type { RequestsModel } from './requestsView';

/** Composes the Requests view state from the broker and the server manager. */
export class BrokerRequestsModel implements RequestsModel, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.emitter.event;
  private readonly subs: Array<{ dispose(): void }>;

  constructor(
    private readonly broker: RequestBroker,
    private readonly manager: ServerManager,
    private readonly controls: HostControls,
  ) {
    this.subs = [broker.onDidChange(() => this.emitter.fire()), manager.onDidChange(() => this.emitter.fire()), controls.onDidChange(() => this.emitter.fire())];
  }

  state(): RequestsViewState {
    const servers = this.manager.list();
    return {
      serverCount: servers.length,
      runningCount: servers.filter((s) => s.state.kind === 'running').length,
      samplingPaused: this.controls.samplingPaused,
      requests: this.broker.pending().map(toCard),
      history: this.broker.history(),
    };
  }

  openCount(): number {
    return this.broker.openCount;
  }

  async handle(message: WebviewToExtension): Promise<void> {
    switch (message.type) {
      case 'command':
        await vscode.commands.executeCommand(`mcpApprovalHost.${message.command}`);
        break;
      case 'samplingAction':
      case 'elicitationAction':
        this.broker.dispatch(message.id, message.action);
        break;
      case 'dismiss':
        this.broker.dismiss(message.id);
        break;
      case 'setSamplingPaused':
        this.controls.samplingPaused = message.paused;
        break;
      case 'ready':
        break;
    }
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
    this.emitter.dispose();
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
  return entry.kind === 'sampling' ? { ...base, kind: 'sampling', sampling: entry.card as SamplingCard } : { ...base, kind: 'elicitation', elicitation: entry.card as ElicitationCard };
}
