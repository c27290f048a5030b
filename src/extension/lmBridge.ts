import * as vscode from 'vscode';
import type { IDisposable } from '../host/disposable';
import { buildModelMessages, type LmFactory, type ModelStreamPart } from '../host/sampling/lmMessages';
import type { ModelInfo } from '../host/sampling/modelSelection';
import { modelError, ModelRunError, type ModelRunner, type ModelRunRequest } from '../host/sampling/runner';

type InputPart = vscode.LanguageModelInputPart;

/** Maps the neutral message form to the `vscode.lm` classes. */
export const vscodeLmFactory: LmFactory<vscode.LanguageModelChatMessage, InputPart> = {
  text: (value) => new vscode.LanguageModelTextPart(value),
  image: (data, mimeType) => vscode.LanguageModelDataPart.image(data, mimeType),
  toolCall: (callId, name, input) => new vscode.LanguageModelToolCallPart(callId, name, input),
  toolResult: (callId, content) => new vscode.LanguageModelToolResultPart(callId, content),
  user: (parts) => new vscode.LanguageModelChatMessage(vscode.LanguageModelChatMessageRole.User, parts),
  assistant: (parts) => new vscode.LanguageModelChatMessage(vscode.LanguageModelChatMessageRole.Assistant, parts),
};

/** Converts whatever `vscode.lm` threw into a {@link ModelRunError} with a sentence for the person. */
export function toModelRunError(err: unknown): ModelRunError {
  if (err instanceof ModelRunError) return err;
  if (err instanceof vscode.LanguageModelError) {
    const cause = err.cause instanceof Error ? ` (${err.cause.message})` : '';
    return modelError(err.code, `${err.message}${cause}`);
  }
  return modelError('Unknown', err instanceof Error ? err.message : String(err));
}

function info(m: vscode.LanguageModelChat): ModelInfo {
  return { id: m.id, name: m.name, vendor: m.vendor, family: m.family, version: m.version, maxInputTokens: m.maxInputTokens };
}

/**
 * The {@link ModelRunner} of the extension: lists `vscode.lm` chat models and
 * streams requests to them. It only ever sends a request when the
 * coordinator runs one (after a person's Run, or a policy they set), never at
 * activation, so consent dialogs follow a user decision.
 *
 * Every call to `vscode.lm` is a hop to the workbench, so the model list is
 * asked once and kept until `lm.onDidChangeChatModels` fires, and a request
 * runs on the model object from that list (no new lookup by id).
 */
export class VscodeModelRunner implements ModelRunner, vscode.Disposable {
  private list: Promise<{ models: Map<string, vscode.LanguageModelChat>; infos: ModelInfo[] }> | undefined;
  private readonly sub: vscode.Disposable;

  constructor() {
    // Registered before any session listens, so the cache is gone before they list again.
    this.sub = vscode.lm.onDidChangeChatModels(() => (this.list = undefined));
  }

  async listModels(): Promise<ModelInfo[]> {
    return [...(await this.cached()).infos];
  }

  onDidChangeModels(listener: () => void): IDisposable {
    return vscode.lm.onDidChangeChatModels(() => {
      this.list = undefined;
      listener();
    });
  }

  private cached(): Promise<{ models: Map<string, vscode.LanguageModelChat>; infos: ModelInfo[] }> {
    const list = (this.list ??= Promise.resolve(vscode.lm.selectChatModels({})).then((models) => ({ models: new Map(models.map((m) => [m.id, m])), infos: models.map(info) })));
    // A failed listing is not kept: the next request asks again.
    list.catch(() => {
      if (this.list === list) this.list = undefined;
    });
    return list;
  }

  dispose(): void {
    this.sub.dispose();
  }

  async *stream(request: ModelRunRequest, signal: AbortSignal): AsyncIterable<ModelStreamPart> {
    const model = await this.resolve(request.modelId);
    const cts = new vscode.CancellationTokenSource();
    const cancel = () => cts.cancel();
    signal.addEventListener('abort', cancel, { once: true });
    try {
      const options: vscode.LanguageModelChatRequestOptions = {
        justification: request.justification,
        modelOptions: request.modelOptions,
        tools: request.tools,
        toolMode: request.toolMode === 'required' ? vscode.LanguageModelChatToolMode.Required : request.tools ? vscode.LanguageModelChatToolMode.Auto : undefined,
      };
      let response: vscode.LanguageModelChatResponse;
      try {
        response = await model.sendRequest(buildModelMessages(request.messages, vscodeLmFactory), options, cts.token);
      } catch (err) {
        throw toModelRunError(err);
      }
      yield* this.parts(response, signal);
    } finally {
      signal.removeEventListener('abort', cancel);
      cts.dispose();
    }
  }

  private async *parts(response: vscode.LanguageModelChatResponse, signal: AbortSignal): AsyncIterable<ModelStreamPart> {
    try {
      for await (const part of response.stream) {
        if (part instanceof vscode.LanguageModelTextPart) yield { type: 'text', text: part.value };
        else if (part instanceof vscode.LanguageModelToolCallPart) yield { type: 'toolCall', callId: part.callId, name: part.name, input: asRecord(part.input) };
        // Data parts and future part kinds have no MCP counterpart in a sampling result.
      }
    } catch (err) {
      if (signal.aborted) return;
      throw toModelRunError(err);
    }
  }

  async countTokens(modelId: string, text: string): Promise<number> {
    return (await this.resolve(modelId)).countTokens(text);
  }

  private async resolve(id: string): Promise<vscode.LanguageModelChat> {
    const cached = (await this.cached()).models.get(id);
    if (cached) return cached;
    // Not in the list the person chose from: it went away since.
    throw modelError('NotFound', `no model with id "${id}"`);
  }
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : { value };
}
