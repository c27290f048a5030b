import type { z } from 'zod';
import type { CreateMessageRequestParams } from '@modelcontextprotocol/client';
import { SamplingRequestSchema } from './requestSchema';

/**
 * A `sampling/createMessage` request after validation: unknown fields are
 * stripped and every message's `content` is an array of blocks. It is
 * assignable to the SDK's `CreateMessageRequestParams`.
 */
export type SamplingRequest = z.output<typeof SamplingRequestSchema>;

/** One validated message of a {@link SamplingRequest}. */
export type ValidatedMessage = SamplingRequest['messages'][number];

/** One validated content block of a message. */
export type ValidatedBlock = ValidatedMessage['content'][number];

/** The sampling capabilities this client declared (`sampling.tools`, `sampling.context`). */
export interface SamplingCaps {
  tools: boolean;
  context: boolean;
}

/** Result of {@link validateSamplingRequest}: the request, or a `-32602` error with a precise message. */
export type SamplingValidation =
  | { ok: true; request: SamplingRequest }
  | { ok: false; code: -32602; message: string };

// Compile-time guarantee that downstream code can pass the request to SDK-typed helpers.
const assignable: (r: SamplingRequest) => CreateMessageRequestParams = (r) => r;
void assignable;

/**
 * Re-validates untrusted `sampling/createMessage` params (the SDK validates
 * too; this is defence in depth plus the spec's cross-field rules):
 * shape and limits (see `SAMPLING_LIMITS`), capability gating of
 * `includeContext`, `tools`, `toolChoice` and tool blocks, and tool-use balance.
 */
export function validateSamplingRequest(params: unknown, caps: SamplingCaps): SamplingValidation {
  const parsed = SamplingRequestSchema.safeParse(params);
  if (!parsed.success) return invalid(formatIssues(parsed.error.issues));
  const request = parsed.data;
  const problem = checkCapabilities(request, caps) ?? checkToolChoice(request) ?? checkToolUse(request.messages);
  return problem ? invalid(problem) : { ok: true, request };
}

function invalid(message: string): SamplingValidation {
  return { ok: false, code: -32602, message: `Invalid sampling request: ${message}` };
}

/** Formats a zod path as `messages[2].content[0].mimeType`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out || 'params';
}

function formatIssues(issues: readonly z.core.$ZodIssue[]): string {
  const first = issues[0];
  if (!first) return 'invalid params';
  const head = `${formatPath(first.path)}: ${first.message}`;
  const more = issues.length - 1;
  return more > 0 ? `${head} (and ${more} more problem${more === 1 ? '' : 's'})` : head;
}

function checkCapabilities(request: SamplingRequest, caps: SamplingCaps): string | undefined {
  const ctx = request.includeContext;
  if (ctx && ctx !== 'none' && !caps.context) {
    return `includeContext: '${ctx}' requires the sampling.context capability, which this client did not declare`;
  }
  if (caps.tools) return undefined;
  if (request.tools) return 'tools: requires the sampling.tools capability, which this client did not declare';
  if (request.toolChoice) return 'toolChoice: requires the sampling.tools capability, which this client did not declare';
  for (const [i, message] of request.messages.entries()) {
    const j = message.content.findIndex((b) => b.type === 'tool_use' || b.type === 'tool_result');
    if (j >= 0) {
      return `messages[${i}].content[${j}]: ${message.content[j].type} blocks require the sampling.tools capability, which this client did not declare`;
    }
  }
  return undefined;
}

function checkToolChoice(request: SamplingRequest): string | undefined {
  const names = new Set<string>();
  for (const [i, tool] of (request.tools ?? []).entries()) {
    if (names.has(tool.name)) return `tools[${i}].name: duplicate tool name '${tool.name}'`;
    names.add(tool.name);
  }
  if (request.toolChoice?.mode === 'required' && names.size === 0) {
    return "toolChoice.mode: 'required' needs at least one tool in tools";
  }
  return undefined;
}

interface Pending {
  /** Index of the assistant message whose tool_use blocks await results. */
  index: number;
  ids: string[];
}

/**
 * The spec's tool-use balance rules: tool_use only from the assistant and
 * tool_result only from the user; a user message with a tool_result holds
 * only tool_results; the message right after an assistant tool_use is a user
 * message answering every id (and nothing else); ids are unique.
 */
function checkToolUse(messages: readonly ValidatedMessage[]): string | undefined {
  const firstUse = new Map<string, number>();
  let pending: Pending | undefined;
  for (const [i, message] of messages.entries()) {
    const problem =
      message.role === 'assistant'
        ? checkAssistant(i, message, pending, firstUse)
        : checkUser(i, message, pending, firstUse);
    if (problem) return problem;
    pending = message.role === 'assistant' ? pendingOf(i, message) : undefined;
  }
  if (pending) {
    return `messages[${pending.index}]: tool_use '${pending.ids[0]}' is not answered (a user message with its tool_result must follow)`;
  }
  return undefined;
}

function pendingOf(index: number, message: ValidatedMessage): Pending | undefined {
  const ids = message.content.flatMap((b) => (b.type === 'tool_use' ? [b.id] : []));
  return ids.length ? { index, ids } : undefined;
}

function checkAssistant(
  i: number,
  message: ValidatedMessage,
  pending: Pending | undefined,
  firstUse: Map<string, number>,
): string | undefined {
  if (pending) {
    return `messages[${i}]: expected a user message with tool_result for toolUseId '${pending.ids[0]}' (from messages[${pending.index}]), got an assistant message`;
  }
  for (const block of message.content) {
    if (block.type === 'tool_result') return `messages[${i}]: tool_result blocks are only allowed in user messages`;
    if (block.type !== 'tool_use') continue;
    const earlier = firstUse.get(block.id);
    if (earlier !== undefined) {
      return `messages[${i}]: duplicate tool_use id '${block.id}' (already used in messages[${earlier}])`;
    }
    firstUse.set(block.id, i);
  }
  return undefined;
}

function checkUser(
  i: number,
  message: ValidatedMessage,
  pending: Pending | undefined,
  firstUse: Map<string, number>,
): string | undefined {
  const blocks = message.content;
  if (blocks.some((b) => b.type === 'tool_use')) return `messages[${i}]: tool_use blocks are only allowed in assistant messages`;
  const hasResult = blocks.some((b) => b.type === 'tool_result');
  if (!hasResult) {
    return pending
      ? `messages[${i}]: expected tool_result for toolUseId '${pending.ids[0]}' (from messages[${pending.index}]) before any other content`
      : undefined;
  }
  const other = blocks.findIndex((b) => b.type !== 'tool_result');
  if (other >= 0) {
    return `messages[${i}]: a user message with tool_result blocks must contain only tool_result blocks (content[${other}] is ${blocks[other].type})`;
  }
  return checkResults(i, blocks, pending, firstUse);
}

function checkResults(
  i: number,
  blocks: readonly ValidatedBlock[],
  pending: Pending | undefined,
  firstUse: Map<string, number>,
): string | undefined {
  const answered = new Set<string>();
  for (const block of blocks) {
    if (block.type !== 'tool_result') continue;
    const id = block.toolUseId;
    if (answered.has(id)) return `messages[${i}]: duplicate tool_result for toolUseId '${id}'`;
    answered.add(id);
    if (pending?.ids.includes(id)) continue;
    const used = firstUse.get(id);
    if (used === undefined) return `messages[${i}]: tool_result for unknown toolUseId '${id}'`;
    return `messages[${i}]: tool_result for toolUseId '${id}' does not answer the immediately preceding message (the tool_use is in messages[${used}])`;
  }
  if (!pending) return undefined;
  const missing = pending.ids.find((id) => !answered.has(id));
  return missing === undefined
    ? undefined
    : `messages[${i}]: missing tool_result for toolUseId '${missing}' (from messages[${pending.index}])`;
}
