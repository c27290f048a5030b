import * as vscode from 'vscode';
import { settingId, SETTINGS } from '../../host/settings';
import { describeError } from '../../host/errors';
import { McpGateway, type GatewayDefinition } from '../../host/gateway/gateway';
import type { ServerManager } from '../../host/serverManager';
import type { LogChannels } from '../logs';
import { ChatParticipant } from './participant';

/** The id of `contributes.mcpServerDefinitionProviders` (and of the activation event `onMcpCollection:<id>`). */
export const MCP_PROVIDER_ID = 'mcpApprovalHost.gateway';
/** The global switch: offer this host's servers to VS Code chat. */
export const EXPOSE_SETTING = settingId(SETTINGS.chatExposeServers);

/** What the activation entry forwards to once the core is loaded. */
export interface ChatFeature extends vscode.Disposable {
  /** Fires when the servers chat may use changed (started, stopped, changed, removed). */
  readonly onDidChangeMcpServerDefinitions: vscode.Event<void>;
  provideMcpServerDefinitions(): Promise<vscode.McpServerDefinition[]>;
  resolveMcpServerDefinition(definition: vscode.McpServerDefinition): Promise<vscode.McpServerDefinition | undefined>;
  handleChatRequest: vscode.ChatRequestHandler;
}

export interface ChatFeatureDeps {
  context: vscode.ExtensionContext;
  manager: ServerManager;
  logs: LogChannels;
}

/**
 * Our servers in VS Code chat: the gateway (an MCP endpoint per server on
 * 127.0.0.1, handed to VS Code as MCP server definitions, so every chat agent
 * can use the tools) and the `@mcp` participant that runs a tool loop on the
 * model picked in the chat view.
 */
export function createChatFeature(deps: ChatFeatureDeps): ChatFeature {
  const enabled = () => vscode.workspace.getConfiguration().get<boolean>(EXPOSE_SETTING, true) !== false;
  const gateway = new McpGateway({ servers: deps.manager, log: deps.logs.host, enabled });
  const changed = new vscode.EventEmitter<void>();
  const listening = gateway.listen().catch((err: unknown) => deps.logs.host.error(`Gateway for chat did not start: ${describeError(err)}`));
  const subs = [
    gateway.onDidChangeDefinitions(() => changed.fire()),
    vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration(EXPOSE_SETTING) && gateway.refresh()),
  ];
  const participant = new ChatParticipant({ extensionUri: deps.context.extensionUri, extensionId: deps.context.extension.id, manager: deps.manager, gateway, log: deps.logs.host });
  const byLabel = (label: string): GatewayDefinition | undefined => gateway.definitions().find((d) => d.server === label);
  return {
    onDidChangeMcpServerDefinitions: changed.event,
    async provideMcpServerDefinitions() {
      await listening;
      return gateway.definitions().map((d) => new vscode.McpHttpServerDefinition(d.server, vscode.Uri.parse(d.url), d.headers, d.version));
    },
    async resolveMcpServerDefinition(definition) {
      // VS Code is about to connect: a server that stopped meanwhile starts again, or the reason is shown.
      const name = definition.label;
      if (!deps.manager.get(name)) throw new Error(`MCP Approval Host has no server named "${name}" any more`);
      await deps.manager.ensureRunning(name);
      const current = byLabel(name);
      return current ? new vscode.McpHttpServerDefinition(current.server, vscode.Uri.parse(current.url), current.headers, current.version) : definition;
    },
    handleChatRequest: (request, context, stream, token) => participant.handle(request, context, stream, token),
    dispose() {
      subs.forEach((s) => s.dispose());
      changed.dispose();
      gateway.dispose();
    },
  };
}
