import type { IDisposable } from '../disposable';
import type { SamplingResult } from '../types';
import type { LmMessage, ModelStreamPart } from './lmMessages';
import type { ModelInfo } from './modelSelection';

/** A tool offered to the model (the shape `vscode.lm` takes). */
export interface ModelTool {
  name: string;
  description: string;
  inputSchema: object;
}

/** One request to a model, already converted from MCP. */
export interface ModelRunRequest {
  modelId: string;
  messages: LmMessage[];
  /** Absent when no tools are offered (or `toolChoice` is `none`). */
  tools?: ModelTool[];
  /** `required` forces a tool call; the default is `auto`. */
  toolMode?: 'auto' | 'required';
  /** Provider-specific options; `temperature` goes here (providers may ignore it). */
  modelOptions: Record<string, unknown>;
  /** Shown by VS Code in its consent dialog: names the server. */
  justification: string;
}

/** Why a model request failed, in the categories `vscode.lm` reports. */
export type ModelErrorCode = 'NoPermissions' | 'Blocked' | 'NotFound' | 'Unknown';

/** A failed model request; `message` is a sentence for the person. */
export class ModelRunError extends Error {
  constructor(
    readonly code: ModelErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ModelRunError';
  }
}

/**
 * What the coordinator needs from a language model provider: the list of
 * models and a cancellable stream of text and tool calls. The VS Code
 * implementation wraps `vscode.lm`; tests use a scripted fake.
 */
export interface ModelRunner {
  listModels(): Promise<ModelInfo[]>;
  /** Fires when the set of models may have changed. */
  onDidChangeModels(listener: () => void): IDisposable;
  /**
   * Streams the model's answer. Aborting `signal` (or leaving the loop) cancels
   * the request. Throws a {@link ModelRunError} when the request fails.
   */
  stream(request: ModelRunRequest, signal: AbortSignal): AsyncIterable<ModelStreamPart>;
  /** The model's own token count, when it has one. */
  countTokens?(modelId: string, text: string): Promise<number>;
}

/** A tool call the model made, as MCP `tool_use` content. */
export interface ToolUse {
  id: string;
  name: string;
  input: Record<string, unknown>;
}

/** What goes back to the server, before it is shaped as a result. */
export interface CompletionToSend {
  text: string;
  toolUses: readonly ToolUse[];
  model: string;
  stopReason: string;
}

/**
 * Shapes the `sampling/createMessage` result: a single text block when the
 * model called no tool (an array would fail validation without tools);
 * otherwise the text (if any) followed by the `tool_use` blocks.
 */
export function buildSamplingResult(c: CompletionToSend): SamplingResult {
  if (c.toolUses.length === 0) {
    return { role: 'assistant', content: { type: 'text', text: c.text }, model: c.model, stopReason: c.stopReason };
  }
  const uses = c.toolUses.map((u) => ({ type: 'tool_use' as const, id: u.id, name: u.name, input: u.input }));
  const content = c.text.trim() ? [{ type: 'text' as const, text: c.text }, ...uses] : uses;
  return { role: 'assistant', content, model: c.model, stopReason: c.stopReason };
}

const ERROR_TEXT: Record<Exclude<ModelErrorCode, 'Unknown'>, string> = {
  NoPermissions: 'MCP Approval Host may not use this model (NoPermissions): allow it when VS Code asks, or choose another model',
  Blocked: 'The model provider blocked the request (Blocked), for example because a quota is used up',
  NotFound: 'The model is no longer available (NotFound): choose another model',
};

/** A sentence for the person from a `vscode.lm` error code and message. */
export function modelError(code: string, detail: string): ModelRunError {
  const known = code === 'NoPermissions' || code === 'Blocked' || code === 'NotFound' ? code : 'Unknown';
  const head = known === 'Unknown' ? 'The model request failed' : ERROR_TEXT[known];
  const tail = detail.trim() && !head.includes(detail.trim()) ? `: ${detail.trim()}` : '';
  return new ModelRunError(known, `${head}${tail}`);
}
