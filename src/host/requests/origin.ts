import type { ServerRequestContext } from '../types';
import type { RequestOrigin } from './broker';

const MAX_ARGS = 2000;
const MAX_CONVERSATION_ID = 200;

/**
 * Describes where a request came from: the server's self-reported name, and
 * the tool call in flight when it arrived (and whether chat made it). With several calls in flight the
 * newest is named and marked as a guess. The call's arguments are formatted
 * when first read (the card header shows them; a request nobody looks at
 * never needs them).
 */
export function originOf(ctx: ServerRequestContext): RequestOrigin {
  const calls = ctx.toolCalls;
  let call = calls[0];
  for (const c of calls) if (c.startedAt > call.startedAt) call = c;
  const reportedName = ctx.serverInfo ? (ctx.serverInfo.title ?? ctx.serverInfo.name) : undefined;
  if (!call) return { reportedName, toolCall: undefined };
  const args = call.arguments;
  let text: string | undefined;
  return {
    reportedName,
    toolCall: {
      name: call.name,
      // A getter, not a spread of one: a spread would format the arguments now.
      get arguments() {
        return args === undefined ? undefined : (text ??= formatArguments(args));
      },
      ambiguous: calls.length > 1 ? true : undefined,
      via: call.caller && { kind: call.caller.kind, conversationId: call.caller.conversationId?.slice(0, MAX_CONVERSATION_ID) },
    },
  };
}

function formatArguments(args: Record<string, unknown>): string {
  let text: string;
  try {
    text = JSON.stringify(args, null, 2);
  } catch {
    text = '(arguments could not be shown)';
  }
  return text.length > MAX_ARGS ? `${text.slice(0, MAX_ARGS)}…` : text;
}
