import { Server, type CallToolResult } from '@modelcontextprotocol/server';
import type { CallToolOptions, McpConnection } from '../connection';
import { describeError } from '../errors';
import type { LogSink } from '../types';

/** One exposed server as a relay sees it. */
export interface RelayTarget {
  /** The configured name (trusted). */
  server: string;
  /** The name the gateway reports (sanitised real name, distinct among exposed servers). */
  gatewayName: string;
  /** The live connection, starting the server when it is not running; rejects with a readable reason. */
  connection(): Promise<McpConnection>;
  /** Calls a tool with the host's timeouts. */
  callTool(tool: string, args: Record<string, unknown> | undefined, options: Partial<CallToolOptions>): Promise<CallToolResult>;
  log: LogSink;
}

/** `_meta` key VS Code's chat puts on `tools/call`. */
const CONVERSATION_ID = 'vscode.conversationId';

/**
 * A low-level MCP server that answers the gateway's client from one real
 * server's connection: identity (version, instructions) and lists as the
 * real server reported them, calls relayed with progress and cancellation.
 * Requests the real server makes during a call (sampling, elicitation,
 * roots) never reach this client: the connection's own handlers answer them
 * through the Requests panel and the server's policy.
 */
export function createRelayServer(target: RelayTarget, connection: McpConnection): Server {
  const info = connection.serverInfo;
  const server = new Server(
    { name: target.gatewayName, version: info?.version ?? '0.0.0', ...(info?.title !== undefined && { title: info.title }) },
    {
      capabilities: { tools: { listChanged: true }, prompts: { listChanged: true }, resources: { listChanged: true } },
      ...(connection.instructions !== undefined && { instructions: connection.instructions }),
    },
  );
  server.setRequestHandler('tools/list', async () => ({ tools: (await target.connection()).tools }));
  server.setRequestHandler('tools/call', async (request, ctx) => {
    const { name, arguments: args } = request.params;
    const meta = ctx.mcpReq._meta as Record<string, unknown> | undefined;
    const progressToken = meta?.progressToken as string | number | undefined;
    const conversationId = typeof meta?.[CONVERSATION_ID] === 'string' ? (meta[CONVERSATION_ID] as string) : undefined;
    target.log.info(`Gateway: chat calls tool ${name}`);
    // The client's cancellation (or its HTTP request going away) cancels the real call, with a reason of our own.
    const cancel = new AbortController();
    const onAbort = () => cancel.abort(new Error('Cancelled by chat'));
    if (ctx.mcpReq.signal.aborted) onAbort();
    else ctx.mcpReq.signal.addEventListener('abort', onAbort, { once: true });
    try {
      await target.connection();
      const result = await target.callTool(name, args, {
        signal: cancel.signal,
        caller: { kind: 'chat', conversationId },
        onProgress:
          progressToken === undefined
            ? undefined
            : (p) => void ctx.mcpReq.notify({ method: 'notifications/progress', params: { progressToken, ...p } }).catch(() => undefined),
      });
      return withoutResultType(result);
    } catch (err) {
      if (ctx.mcpReq.signal.aborted) throw err;
      // A failure of the host (server not running, timed out, crashed) is a tool error the model can read.
      target.log.warn(`Gateway: tool ${name} failed: ${describeError(err)}`);
      return { content: [{ type: 'text', text: `MCP Approval Host: ${describeError(err)}` }], isError: true } satisfies CallToolResult;
    } finally {
      ctx.mcpReq.signal.removeEventListener('abort', onAbort);
    }
  });
  server.setRequestHandler('prompts/list', async () => ({ prompts: (await target.connection()).prompts }));
  server.setRequestHandler('prompts/get', async (request) => withoutResultType(await (await target.connection()).getPrompt(request.params.name, request.params.arguments)));
  server.setRequestHandler('resources/list', async () => ({ resources: (await target.connection()).resources }));
  server.setRequestHandler('resources/templates/list', async () => ({ resourceTemplates: await (await target.connection()).listResourceTemplates() }));
  server.setRequestHandler('resources/read', async (request) => withoutResultType(await (await target.connection()).readResource(request.params.uri)));
  return server;
}

/** A modern-era result carries `resultType`; the gateway's own SDK sets its own for its client's era. */
function withoutResultType<T extends object>(result: T): T {
  if (!('resultType' in result)) return result;
  const copy: Record<string, unknown> = { ...result };
  delete copy.resultType;
  return copy as T;
}
