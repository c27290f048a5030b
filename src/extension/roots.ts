import * as vscode from 'vscode';
import type { Root } from '@modelcontextprotocol/client';
import { Emitter } from '../host/events';
import type { RootsProvider } from '../host/types';

/** The workspace folders as MCP roots; fires when they change. */
export class WorkspaceRoots implements RootsProvider, vscode.Disposable {
  private readonly emitter = new Emitter<void>();
  readonly onDidChangeRoots = this.emitter.event;
  private readonly sub = vscode.workspace.onDidChangeWorkspaceFolders(() => this.emitter.fire());

  roots(): Root[] {
    return (vscode.workspace.workspaceFolders ?? [])
      .filter((f) => f.uri.scheme === 'file')
      .map((f) => ({ uri: f.uri.toString(), name: f.name }));
  }

  dispose(): void {
    this.sub.dispose();
    this.emitter.dispose();
  }
}
