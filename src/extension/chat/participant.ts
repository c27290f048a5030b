import * as vscode from 'vscode';
import { describeError } from '../../host/errors';
import type { GatewayDefinition, McpGateway } from '../../host/gateway/gateway';
import { matchListedTools } from '../../host/gateway/names';
import type { ServerManager } from '../../host/serverManager';
import type { LogSink } from '../../host/types';
import { markdownCode, markdownText, safe, safeText } from '../../shared/safeText';
import { choosePrompt, promptMessages } from './prompts';

/** The participant's id (`contributes.chatParticipants`). */
export const PARTICIPANT_ID = 'mcpApprovalHost.mcp';
/** At most this many model rounds that call tools in one request. */
export const MAX_TOOL_ROUNDS = 8;
/** How long to wait for VS Code to list our servers' tools after a first submit. */
const TOOLS_WAIT_MS = 5000;
/** After this long without them, ask VS Code to start our servers' definitions itself… */
const START_AFTER_MS = 750;
/** …and wait at most this long for that. */
const START_WAIT_MS = 30000;

export interface ParticipantDeps {
  extensionUri: vscode.Uri;
  /** This extension's id: VS Code's id of one of our definitions is `<id in lower case>/<label>`. */
  extensionId: string;
  manager: ServerManager;
  gateway: McpGateway;
  log: LogSink;
}

/**
 * `@mcp`: answers with the model picked in the chat view and the tools of this
 * host's servers, which VS Code lists from the gateway. Tools run through
 * `vscode.lm.invokeTool` with the request's token, so VS Code asks before each
 * run; a request the server makes during the call comes to the Requests panel.
 */
export class ChatParticipant {
  constructor(private readonly deps: ParticipantDeps) {}

  async handle(request: vscode.ChatRequest, context: vscode.ChatContext, stream: vscode.ChatResponseStream, token: vscode.CancellationToken): Promise<vscode.ChatResult> {
    try {
      if (request.command === 'help') return this.help(stream);
      if (request.command === 'tools') return this.listTools(stream);
      if (request.command === 'prompt') {
        const chosen = await choosePrompt(this.deps, request.prompt, token);
        if (!chosen) {
          stream.markdown('No prompt was run.');
          return {};
        }
        stream.progress(safe`Running the prompt ${chosen.prompt} of ${chosen.server}…`);
        return await this.toolLoop(request, [...history(context), ...promptMessages(chosen.result)], stream, token);
      }
      return await this.toolLoop(request, [...history(context), vscode.LanguageModelChatMessage.User(request.prompt)], stream, token);
    } catch (err) {
      if (token.isCancellationRequested) return {};
      this.deps.log.warn(`@mcp: ${describeError(err)}`);
      return { errorDetails: { message: safeText(describeError(err), 500) } };
    }
  }

  /** The model's answer, calling tools until it stops or the round cap is reached. */
  private async toolLoop(request: vscode.ChatRequest, messages: vscode.LanguageModelChatMessage[], stream: vscode.ChatResponseStream, token: vscode.CancellationToken): Promise<vscode.ChatResult> {
    const tools = await this.ourTools(token);
    if (tools.length === 0) stream.markdown('_No tools of MCP Approval Host servers are available in chat right now (start a server, or check `mcpApprovalHost.chat.exposeServers`)._\n\n');
    const options: vscode.LanguageModelChatRequestOptions = {
      justification: 'The @mcp participant of MCP Approval Host answers with the tools of your MCP servers.',
      tools: tools.map((t) => ({ name: t.name, description: t.description, inputSchema: t.inputSchema })),
    };
    for (let round = 0; ; round++) {
      const response = await request.model.sendRequest(messages, options, token);
      const calls: vscode.LanguageModelToolCallPart[] = [];
      let text = '';
      for await (const part of response.stream) {
        if (part instanceof vscode.LanguageModelTextPart) {
          stream.markdown(part.value);
          text += part.value;
        } else if (part instanceof vscode.LanguageModelToolCallPart) {
          calls.push(part);
        }
      }
      if (calls.length === 0 || token.isCancellationRequested) return { metadata: { toolRounds: round } };
      if (round >= MAX_TOOL_ROUNDS) {
        stream.markdown(`\n\n_Stopped after ${MAX_TOOL_ROUNDS} rounds of tool calls._`);
        return { metadata: { toolRounds: round, capped: true } };
      }
      messages.push(vscode.LanguageModelChatMessage.Assistant([...(text ? [new vscode.LanguageModelTextPart(text)] : []), ...calls]));
      const results: vscode.LanguageModelToolResultPart[] = [];
      for (const call of calls) results.push(await this.invoke(call, request, stream, token));
      if (token.isCancellationRequested) return { metadata: { toolRounds: round + 1, cancelled: true } };
      messages.push(vscode.LanguageModelChatMessage.User(results));
    }
  }

  /** Runs one tool through VS Code (its confirmation, then the gateway); a failure becomes a result the model reads. */
  private async invoke(call: vscode.LanguageModelToolCallPart, request: vscode.ChatRequest, stream: vscode.ChatResponseStream, token: vscode.CancellationToken): Promise<vscode.LanguageModelToolResultPart> {
    stream.progress(safe`Calling ${call.name}…`);
    try {
      const result = await vscode.lm.invokeTool(call.name, { input: call.input, toolInvocationToken: request.toolInvocationToken }, token);
      return new vscode.LanguageModelToolResultPart(call.callId, result.content);
    } catch (err) {
      this.deps.log.info(`@mcp: tool ${call.name} did not run: ${describeError(err)}`);
      return new vscode.LanguageModelToolResultPart(call.callId, [new vscode.LanguageModelTextPart(`The tool did not run: ${describeError(err)}`)]);
    }
  }

  /**
   * The tools VS Code lists for our gateway's servers. VS Code starts them on a
   * chat request by itself (`chat.mcp.autostart`); when it has not (autostart
   * off, or a server it stopped), we ask it to, and give it a moment.
   */
  private async ourTools(token: vscode.CancellationToken): Promise<vscode.LanguageModelToolInformation[]> {
    const started = Date.now();
    let starting: Promise<unknown> | undefined;
    let startDoneAt: number | undefined;
    for (;;) {
      const definitions = this.deps.gateway.definitions();
      const { tools, missing } = this.listed(definitions);
      const elapsed = Date.now() - started;
      // While VS Code starts a server we asked it to, wait for that (up to START_WAIT_MS).
      // (Its tools reach this extension host a moment after VS Code has them.)
      const late = elapsed > TOOLS_WAIT_MS && (!starting || (startDoneAt !== undefined && Date.now() - startDoneAt > 1000) || elapsed > START_WAIT_MS);
      if (missing.length === 0 || late || token.isCancellationRequested) {
        if (missing.length > 0) this.deps.log.info(`@mcp: VS Code lists no tools of ${missing.map((d) => d.server).join(', ')} yet (${vscode.lm.tools.length} tools listed)`);
        return tools;
      }
      if (!starting && elapsed > START_AFTER_MS) {
        starting = Promise.all(missing.map((d) => this.startInVsCode(d))).finally(() => (startDoneAt = Date.now()));
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /** Our servers' tools in `vscode.lm.tools`, and the running servers (with tools) VS Code does not list yet. */
  private listed(definitions: GatewayDefinition[]): { tools: vscode.LanguageModelToolInformation[]; missing: GatewayDefinition[] } {
    const listed = vscode.lm.tools.map((t) => t.name);
    const ours = new Set<string>();
    const missing: GatewayDefinition[] = [];
    for (const d of definitions) {
      const names = this.deps.manager.get(d.server)?.connection?.tools.map((t) => t.name) ?? [];
      const matched = matchListedTools(d.gatewayName, names, listed);
      if (matched.size === 0 && names.length > 0) missing.push(d);
      for (const name of matched.keys()) ours.add(name);
    }
    return { tools: vscode.lm.tools.filter((t) => ours.has(t.name)), missing };
  }

  /** Asks VS Code to start its connection to one of our definitions and wait for its tools (an internal command: best effort). */
  private async startInVsCode(definition: GatewayDefinition): Promise<void> {
    const id = `${this.deps.extensionId.toLowerCase()}/${definition.server}`;
    this.deps.log.info(`@mcp: VS Code lists no tools of ${definition.server} yet; asking it to start that server`);
    try {
      await vscode.commands.executeCommand('workbench.mcp.startServer', id, { waitForLiveTools: true });
    } catch (err) {
      this.deps.log.debug(`@mcp: VS Code did not start ${id}: ${describeError(err)}`);
    }
  }

  private listTools(stream: vscode.ChatResponseStream): vscode.ChatResult {
    const servers = this.deps.manager.list();
    if (servers.length === 0) {
      stream.markdown('No MCP servers are configured in MCP Approval Host.');
      return {};
    }
    const md = new vscode.MarkdownString();
    for (const server of servers) {
      md.appendMarkdown('**').appendText(server.name).appendMarkdown('**');
      if (!server.config.exposeToChat) md.appendMarkdown(' — not offered to chat (`exposeToChat: false`)\n\n');
      else if (server.state.kind !== 'running' || !server.connection) md.appendMarkdown(' — not running\n\n');
      else {
        md.appendMarkdown('\n\n');
        for (const tool of server.connection.tools) {
          md.appendMarkdown('- ').appendMarkdown(markdownCode(tool.name, 80));
          if (tool.description) md.appendMarkdown(': ').appendMarkdown(markdownText(tool.description, 160));
          md.appendMarkdown('\n');
        }
        if (server.connection.tools.length === 0) md.appendMarkdown('- (no tools)\n');
        md.appendMarkdown('\n');
      }
    }
    stream.markdown(md);
    return {};
  }

  private help(stream: vscode.ChatResponseStream): vscode.ChatResult {
    stream.markdown(
      [
        '`@mcp` answers with the model picked below and the tools of the MCP servers in **MCP Approval Host**.',
        '',
        '- Ask anything: the model may call the servers\' tools; VS Code asks before each tool runs.',
        '- When a tool asks for a model completion or for your input, the request waits in the **Requests** panel.',
        '- `/tools` lists the servers and their tools.',
        '- `/prompt` runs one of a server\'s MCP prompts (you fill in its arguments), then answers it.',
        `- At most ${MAX_TOOL_ROUNDS} rounds of tool calls per question; Stop cancels the running tool call.`,
      ].join('\n'),
    );
    return {};
  }
}

/** The earlier turns with `@mcp`, as messages (text only). */
function history(context: vscode.ChatContext): vscode.LanguageModelChatMessage[] {
  const messages: vscode.LanguageModelChatMessage[] = [];
  for (const turn of context.history) {
    if (turn instanceof vscode.ChatRequestTurn) {
      if (turn.participant === PARTICIPANT_ID && !turn.command) messages.push(vscode.LanguageModelChatMessage.User(turn.prompt));
    } else if (turn instanceof vscode.ChatResponseTurn && turn.participant === PARTICIPANT_ID && !turn.command) {
      const text = turn.response.map((part) => (part instanceof vscode.ChatResponseMarkdownPart ? part.value.value : '')).join('');
      if (text) messages.push(vscode.LanguageModelChatMessage.Assistant(text));
    }
  }
  return messages;
}
