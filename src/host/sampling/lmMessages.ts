import type { ValidatedBlock, ValidatedMessage } from './validation';

/**
 * A neutral form of what `vscode.lm` accepts, so that the MCP → model
 * conversion is testable without VS Code. The extension maps it to
 * `LanguageModelChatMessage` and parts through an {@link LmFactory}.
 */
export type LmPart =
  | { type: 'text'; text: string }
  | { type: 'image'; data: Uint8Array; mimeType: string }
  | { type: 'toolCall'; callId: string; name: string; input: Record<string, unknown> }
  | { type: 'toolResult'; callId: string; content: LmResultPart[] };

/** What a tool result may carry towards the model. */
export type LmResultPart = { type: 'text'; text: string } | { type: 'image'; data: Uint8Array; mimeType: string };

/** One message for the model. */
export interface LmMessage {
  role: 'user' | 'assistant';
  parts: LmPart[];
}

/** What the model streams back, reduced to what the host uses. */
export type ModelStreamPart = { type: 'text'; text: string } | { type: 'toolCall'; callId: string; name: string; input: Record<string, unknown> };

/** The result of {@link toLmMessages}: the messages plus notes for the card. */
export interface LmConversion {
  messages: LmMessage[];
  /** Sentences for the person, e.g. that audio was replaced by a placeholder. */
  notes: string[];
}

/** Why the system prompt travels as a user message (shown on the card). */
export const SYSTEM_PROMPT_NOTE = 'vscode.lm has no system role: the system prompt is sent as a leading User message.';
const AUDIO_NOTE = 'vscode.lm models take no audio: each audio block is sent as a short text placeholder.';

function decodeBase64(data: string): Uint8Array {
  return new Uint8Array(Buffer.from(data, 'base64'));
}

function audioPlaceholder(mimeType: string, data: string): string {
  return `[audio omitted: ${mimeType}, about ${Math.floor((data.length * 3) / 4)} bytes; this host cannot send audio to the model]`;
}

/**
 * Converts validated MCP sampling messages (and the system prompt) to the
 * neutral model form: text → text, image → image data, audio → a text
 * placeholder, tool_use → tool call, tool_result → tool result (its text and
 * images; resources become text; `isError` becomes a leading text line).
 */
export function toLmMessages(messages: readonly ValidatedMessage[], systemPrompt: string | undefined): LmConversion {
  const notes = new Set<string>();
  const out: LmMessage[] = [];
  if (systemPrompt !== undefined && systemPrompt.trim() !== '') {
    out.push({ role: 'user', parts: [{ type: 'text', text: systemPrompt }] });
    notes.add(SYSTEM_PROMPT_NOTE);
  }
  for (const message of messages) {
    const parts = message.content.map((block) => toLmPart(block, notes));
    out.push({ role: message.role, parts });
  }
  return { messages: out, notes: [...notes] };
}

function toLmPart(block: ValidatedBlock, notes: Set<string>): LmPart {
  switch (block.type) {
    case 'text':
      return { type: 'text', text: block.text };
    case 'image':
      return { type: 'image', data: decodeBase64(block.data), mimeType: block.mimeType };
    case 'audio':
      notes.add(AUDIO_NOTE);
      return { type: 'text', text: audioPlaceholder(block.mimeType, block.data) };
    case 'tool_use':
      return { type: 'toolCall', callId: block.id, name: block.name, input: block.input };
    case 'tool_result':
      return { type: 'toolResult', callId: block.toolUseId, content: toolResultParts(block, notes) };
  }
}

type ToolResultBlock = Extract<ValidatedBlock, { type: 'tool_result' }>;

function toolResultParts(block: ToolResultBlock, notes: Set<string>): LmResultPart[] {
  const parts: LmResultPart[] = [];
  if (block.isError) parts.push({ type: 'text', text: '[the tool reported an error]' });
  for (const item of block.content) {
    switch (item.type) {
      case 'text':
        parts.push({ type: 'text', text: item.text });
        break;
      case 'image':
        parts.push({ type: 'image', data: decodeBase64(item.data), mimeType: item.mimeType });
        break;
      case 'audio':
        notes.add(AUDIO_NOTE);
        parts.push({ type: 'text', text: audioPlaceholder(item.mimeType, item.data) });
        break;
      case 'resource_link':
        parts.push({ type: 'text', text: `[resource link: ${item.uri}${item.name ? ` (${item.name})` : ''}]` });
        break;
      case 'resource': {
        const r = item.resource;
        parts.push({ type: 'text', text: 'text' in r ? `[resource ${r.uri}]\n${r.text}` : `[binary resource ${r.uri}${r.mimeType ? `, ${r.mimeType}` : ''}]` });
        break;
      }
    }
  }
  // Structured content is what the tool returned when it returned no blocks.
  if (block.content.length === 0 && block.structuredContent !== undefined) {
    parts.push({ type: 'text', text: safeJson(block.structuredContent) });
  }
  return parts;
}

/** JSON.stringify that never throws. */
export function safeJson(value: unknown, indent?: number): string {
  try {
    return JSON.stringify(value, null, indent) ?? String(value);
  } catch {
    return String(value);
  }
}

/** Builds the model's message and part objects (the vscode classes, or fakes in tests). */
export interface LmFactory<M, P> {
  text(value: string): P;
  image(data: Uint8Array, mimeType: string): P;
  toolCall(callId: string, name: string, input: Record<string, unknown>): P;
  toolResult(callId: string, content: P[]): P;
  user(parts: P[]): M;
  assistant(parts: P[]): M;
}

/** Maps neutral messages to the model's own objects through `factory`. */
export function buildModelMessages<M, P>(messages: readonly LmMessage[], factory: LmFactory<M, P>): M[] {
  const part = (p: LmPart): P => {
    switch (p.type) {
      case 'text':
        return factory.text(p.text);
      case 'image':
        return factory.image(p.data, p.mimeType);
      case 'toolCall':
        return factory.toolCall(p.callId, p.name, p.input);
      case 'toolResult':
        return factory.toolResult(p.callId, p.content.map((c) => (c.type === 'text' ? factory.text(c.text) : factory.image(c.data, c.mimeType))));
    }
  };
  return messages.map((m) => (m.role === 'user' ? factory.user(m.parts.map(part)) : factory.assistant(m.parts.map(part))));
}
