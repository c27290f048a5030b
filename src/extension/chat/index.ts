import * as vscode from 'vscode';
import { settingId, SETTINGS } from '../../host/settings';
import { describeError } from '../../host/errors';
import type { GatewayDefinition, McpGateway } from '../../host/gateway/gateway';
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
  const changed = new vscode.EventEmitter<void>();
  const subs: vscode.Disposable[] = [];
  let disposed = false;
  let gateway: McpGateway | undefined;
  /**
   * The gateway (the MCP server SDK and its HTTP stack) is evaluated and
   * started when the first server runs (its connection loaded the SDKs) or on
   * the first call that needs it — VS Code asking for or resolving our
   * definitions, or a request to `@mcp` — not when the core loads, so first
   * use does not pay for it. Later calls get the same started gateway.
   */
  let started: Promise<{ gateway: McpGateway; participant: ChatParticipant } | undefined> | undefined;
  const start = () =>
    (started ??= (async () => {
      const { McpGateway } = await import('../../host/gateway/gateway');
      if (disposed) return undefined;
      gateway = new McpGateway({ servers: deps.manager, log: deps.logs.host, enabled });
      subs.push(gateway.onDidChangeDefinitions(() => changed.fire()));
      const participant = new ChatParticipant({ extensionUri: deps.context.extensionUri, extensionId: deps.context.extension.id, manager: deps.manager, gateway, log: deps.logs.host });
      await gateway.listen().catch((err: unknown) => deps.logs.host.error(`Gateway for chat did not start: ${describeError(err)}`));
      return { gateway, participant };
    })());
  subs.push(
    vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration(EXPOSE_SETTING) && gateway?.refresh()),
    // Chat sees a server as soon as it runs, as when the gateway started with the core.
    deps.manager.onDidChange(() => {
      if (!started && deps.manager.list().some((s) => s.state.kind === 'running')) void start();
    }),
  );
  const definitions = async (): Promise<GatewayDefinition[]> => (await start())?.gateway.definitions() ?? [];
  return {
    onDidChangeMcpServerDefinitions: changed.event,
    async provideMcpServerDefinitions() {
      return (await definitions()).map((d) => new vscode.McpHttpServerDefinition(d.server, vscode.Uri.parse(d.url), d.headers, d.version));
    },
    async resolveMcpServerDefinition(definition) {
      // VS Code is about to connect: a server that stopped meanwhile starts again, or the reason is shown.
      const name = definition.label;
      if (!deps.manager.get(name)) throw new Error(`MCP Approval Host has no server named "${name}" any more`);
      await deps.manager.ensureRunning(name);
      const current = (await definitions()).find((d) => d.server === name);
      return current ? new vscode.McpHttpServerDefinition(current.server, vscode.Uri.parse(current.url), current.headers, current.version) : definition;
    },
    handleChatRequest: async (request, context, stream, token) => {
      const ready = await start();
      return ready ? ready.participant.handle(request, context, stream, token) : {};
    },
    dispose() {
      disposed = true;
      subs.forEach((s) => s.dispose());
      changed.dispose();
      gateway?.dispose();
    },
  };
}
