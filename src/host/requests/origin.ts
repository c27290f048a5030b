import type { ServerRequestContext } from '../types';
import type { RequestOrigin } from './broker';

const MAX_ARGS = 2000;
const MAX_CONVERSATION_ID = 200;

/**
 * Describes where a request came from: the server's self-reported name, and
 * the tool call in flight when it arrived (and whether chat made it). With several calls in flight the
 * newest is named and marked as a guess.
 */
export function originOf(ctx: ServerRequestContext): RequestOrigin {
  const calls = [...ctx.toolCalls].sort((a, b) => b.startedAt - a.startedAt);
  const call = calls[0];
  let args: string | undefined;
  if (call?.arguments !== undefined) {
    try {
      args = JSON.stringify(call.arguments, null, 2);
    } catch {
      args = '(arguments could not be shown)';
    }
    if (args.length > MAX_ARGS) args = `${args.slice(0, MAX_ARGS)}…`;
  }
  return {
    reportedName: ctx.serverInfo ? (ctx.serverInfo.title ?? ctx.serverInfo.name) : undefined,
    toolCall: call
      ? { name: call.name, arguments: args, ambiguous: calls.length > 1 ? true : undefined, via: call.caller && { kind: call.caller.kind, conversationId: call.caller.conversationId?.slice(0, MAX_CONVERSATION_ID) } }
      : undefined,
  };
}
