import * as vscode from 'vscode';
import type { LogSink } from '../host/types';

/** One LogOutputChannel for the host plus one per server, created on demand. */
export class LogChannels implements vscode.Disposable {
  readonly host: vscode.LogOutputChannel;
  private readonly perServer = new Map<string, vscode.LogOutputChannel>();

  constructor() {
    this.host = vscode.window.createOutputChannel('MCP Approval Host', { log: true });
  }

  /** The channel for a server; the name is the person's own (from settings). */
  forServer(name: string): vscode.LogOutputChannel {
    let channel = this.perServer.get(name);
    if (!channel) {
      channel = vscode.window.createOutputChannel(`MCP Approval Host: ${name}`, { log: true });
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
