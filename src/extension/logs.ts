import * as vscode from 'vscode';
import type { LogSink } from '../host/types';
import { safe } from '../shared/safeText';

/** One LogOutputChannel for the host plus one per server, created on demand. */
export class LogChannels implements vscode.Disposable {
  readonly host: vscode.LogOutputChannel;
  private readonly perServer = new Map<string, vscode.LogOutputChannel>();

  constructor() {
    this.host = vscode.window.createOutputChannel('MCP Approval Host', { log: true });
  }

  /** The channel for a server; the name comes from settings, maybe a cloned repository's. */
  forServer(name: string): vscode.LogOutputChannel {
    let channel = this.perServer.get(name);
    if (!channel) {
      channel = vscode.window.createOutputChannel(safe`MCP Approval Host: ${name}`, { log: true });
      this.perServer.set(name, channel);
    }
    return channel;
  }

  sinkFor(name: string): LogSink {
    return this.forServer(name);
  }

  dispose(): void {
    this.host.dispose();
    for (const channel of this.perServer.values()) channel.dispose();
    this.perServer.clear();
  }
}
