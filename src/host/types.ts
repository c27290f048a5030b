import type { CreateMessageRequest, CreateMessageResult, CreateMessageResultWithTools, ElicitRequest, ElicitResult, Root } from '@modelcontextprotocol/client';
import type { IDisposable } from './disposable';
import type { Event } from './events';

/** Where host code writes logs; a VS Code `LogOutputChannel` satisfies it. */
export interface LogSink {
  trace(message: string): void;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Time and timers, injectable for tests. */
export interface Clock {
  now(): number;
  /** `background`: the timer alone does not keep the process running (Node's `unref`). */
  setTimeout(fn: () => void, ms: number, options?: { background?: boolean }): IDisposable;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms, options) {
    const handle = setTimeout(fn, ms);
    if (options?.background) handle.unref();
    return { dispose: () => clearTimeout(handle) };
  },
};

/** The tool call that was in flight when a server asked for input, if known. */
export interface ToolCallInfo {
  name: string;
  arguments: Record<string, unknown> | undefined;
  startedAt: number;
  /** Who made the call when it was not the person in this host's own UI. */
  caller?: ToolCaller;
}

/** A tool call relayed from VS Code chat through the gateway (conversation id when chat sent one). */
export interface ToolCaller {
  kind: 'chat';
  /** From the call's `_meta` `vscode.conversationId` (untrusted text). */
  conversationId?: string;
}

/** What a request handler knows about the request besides its params. */
export interface ServerRequestContext {
  /** The configured server name (trusted: it comes from the person's settings). */
  server: string;
  /** The server's self-reported name and version (untrusted). */
  serverInfo?: { name: string; version: string; title?: string };
  /** `legacy` (2025 era) or `modern` (2026-07-28, asked inside an input_required round). */
  era: 'legacy' | 'modern' | undefined;
  /** The JSON-RPC id of the server's request. */
  requestId: string | number;
  /** In-flight tool calls on this server when the request arrived. */
  toolCalls: ToolCallInfo[];
  /** Aborts when the server cancels or the connection goes away (the connection builds it when first read). */
  readonly signal: AbortSignal;
  /**
   * The signals `signal` follows (the request's own, the connection's
   * lifetime), for a listener that needs no signal of its own: listening to
   * these costs no AbortController per request.
   */
  readonly signals?: readonly AbortSignal[];
}

export type SamplingParams = CreateMessageRequest['params'];
export type SamplingResult = CreateMessageResult | CreateMessageResultWithTools;
export type ElicitationParams = ElicitRequest['params'];

/** Answers `sampling/createMessage`; throws a `HostError` to answer with an error. */
export interface SamplingHandler {
  createMessage(params: SamplingParams, ctx: ServerRequestContext): Promise<SamplingResult>;
}

/** Answers `elicitation/create`; throws a `HostError` to answer with an error. */
export interface ElicitationHandler {
  elicit(params: ElicitationParams, ctx: ServerRequestContext): Promise<ElicitResult>;
  /** A server said a URL-mode elicitation finished (`notifications/elicitation/complete`). */
  complete?(server: string, elicitationId: string): void;
}

/** The roots the host exposes: the workspace folders. */
export interface RootsProvider {
  roots(): Root[];
  readonly onDidChangeRoots: Event<void>;
}
