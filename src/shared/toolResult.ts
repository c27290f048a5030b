/**
 * Turns an untrusted `CallToolResult` into display blocks for the result
 * viewer. Pure: no DOM, no vscode. Anything unexpected becomes a `note`.
 */

import { base64Bytes, isBase64 } from './base64';

/** One block of a tool result, ready to render as text or a data URL. */
export type ResultBlock =
  | { kind: 'text'; text: string; truncated: boolean }
  | { kind: 'image'; mimeType: string; data: string; bytes: number }
  | { kind: 'audio'; mimeType: string; data: string; bytes: number }
  | { kind: 'resource'; uri: string; mimeType?: string; text?: string; bytes?: number; truncated: boolean }
  | { kind: 'link'; uri: string; name: string; description?: string }
  | { kind: 'json'; title: string; text: string; truncated: boolean }
  | { kind: 'note'; text: string };

export interface ToolResultView {
  server: string;
  tool: string;
  isError: boolean;
  blocks: ResultBlock[];
  durationMs: number;
}

const MAX_TEXT = 200_000;
const MAX_DATA = 8_000_000;
const IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/bmp']);
const AUDIO_TYPES = new Set(['audio/wav', 'audio/x-wav', 'audio/mpeg', 'audio/mp3', 'audio/ogg', 'audio/webm', 'audio/flac', 'audio/aac']);

function cut(text: string, max = MAX_TEXT): { text: string; truncated: boolean } {
  return text.length > max ? { text: text.slice(0, max), truncated: true } : { text, truncated: false };
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function mediaBlock(kind: 'image' | 'audio', block: Record<string, unknown>): ResultBlock {
  const mimeType = str(block.mimeType)?.toLowerCase() ?? '';
  const data = str(block.data) ?? '';
  const allowed = kind === 'image' ? IMAGE_TYPES : AUDIO_TYPES;
  if (!allowed.has(mimeType)) return { kind: 'note', text: `${kind} of type "${mimeType.slice(0, 80)}" is not displayed` };
  if (!isBase64(data, MAX_DATA)) return { kind: 'note', text: `${kind} data is too large or not valid base64` };
  return { kind, mimeType, data, bytes: base64Bytes(data) };
}

function resourceBlock(resource: unknown): ResultBlock {
  if (!resource || typeof resource !== 'object') return { kind: 'note', text: 'malformed embedded resource' };
  const r = resource as Record<string, unknown>;
  const uri = str(r.uri) ?? '(no uri)';
  const text = str(r.text);
  const blob = str(r.blob);
  if (text !== undefined) {
    const c = cut(text);
    return { kind: 'resource', uri, mimeType: str(r.mimeType), text: c.text, truncated: c.truncated };
  }
  return { kind: 'resource', uri, mimeType: str(r.mimeType), bytes: blob ? base64Bytes(blob) : 0, truncated: false };
}

function toBlock(raw: unknown): ResultBlock {
  if (!raw || typeof raw !== 'object') return { kind: 'note', text: 'malformed content block' };
  const block = raw as Record<string, unknown>;
  switch (block.type) {
    case 'text': {
      const c = cut(str(block.text) ?? '');
      return { kind: 'text', text: c.text, truncated: c.truncated };
    }
    case 'image':
      return mediaBlock('image', block);
    case 'audio':
      return mediaBlock('audio', block);
    case 'resource':
      return resourceBlock(block.resource);
    case 'resource_link':
      return { kind: 'link', uri: str(block.uri) ?? '', name: str(block.name) ?? str(block.uri) ?? '', description: str(block.description) };
    default:
      return { kind: 'note', text: `unsupported content type "${String(block.type).slice(0, 40)}"` };
  }
}

/** Builds the view of one tool result. */
export function toToolResultView(server: string, tool: string, result: unknown, durationMs: number): ToolResultView {
  const r = (result && typeof result === 'object' ? result : {}) as Record<string, unknown>;
  const blocks = Array.isArray(r.content) ? r.content.slice(0, 500).map(toBlock) : [{ kind: 'note', text: 'the result has no content array' } as ResultBlock];
  if (r.structuredContent !== undefined) {
    const c = cut(JSON.stringify(r.structuredContent, null, 2) ?? 'null');
    blocks.push({ kind: 'json', title: 'Structured content', text: c.text, truncated: c.truncated });
  }
  return { server, tool, isError: r.isError === true, blocks, durationMs };
}
