import { base64Bytes } from '../../shared/base64';
import { CARD_TEXT_CAP, type BlockView, type SamplingCard, type TextView } from '../../shared/samplingProtocol';
import { safeJson } from './lmMessages';
import type { SamplingRequest, ValidatedBlock } from './validation';

/** Base64 characters of one image or audio block previewed in the card (about 1.5 MB of data). */
export const MEDIA_PREVIEW_CAP = 2_000_000;
// Past this many characters of text in one card, further blocks get a short preview only,
// so a huge conversation cannot freeze the webview.
const CARD_TOTAL_TEXT_BUDGET = 400_000;
const SHORT_PREVIEW = 2_000;

/** A text capped for the webview. */
export function textView(text: string, cap: number = CARD_TEXT_CAP): TextView {
  return text.length <= cap ? { text, length: text.length, truncated: false } : { text: text.slice(0, cap), length: text.length, truncated: true };
}

/** Tracks the text budget of one card while its blocks are built. */
class TextBudget {
  private used = 0;
  view(text: string): TextView {
    const cap = this.used >= CARD_TOTAL_TEXT_BUDGET ? SHORT_PREVIEW : CARD_TEXT_CAP;
    const v = textView(text, cap);
    this.used += v.text.length;
    return v;
  }
}

function media(kind: 'image' | 'audio', data: string, mimeType: string): BlockView {
  return { kind, mimeType, bytes: base64Bytes(data), data: data.length <= MEDIA_PREVIEW_CAP ? data : undefined };
}

type ResultItem = Extract<ValidatedBlock, { type: 'tool_result' }>['content'][number];

function resultItemView(item: ResultItem, budget: TextBudget): BlockView {
  switch (item.type) {
    case 'text':
      return { kind: 'text', text: { original: budget.view(item.text) } };
    case 'image':
    case 'audio':
      return media(item.type, item.data, item.mimeType);
    case 'resource_link':
      return { kind: 'resource', uri: item.uri, name: item.name };
    case 'resource': {
      const r = item.resource;
      return 'text' in r
        ? { kind: 'resource', uri: r.uri, mimeType: r.mimeType, text: budget.view(r.text) }
        : { kind: 'resource', uri: r.uri, mimeType: r.mimeType, bytes: base64Bytes(r.blob) };
    }
  }
}

function blockView(block: ValidatedBlock, budget: TextBudget): BlockView {
  switch (block.type) {
    case 'text':
      return { kind: 'text', text: { original: budget.view(block.text) } };
    case 'image':
    case 'audio':
      return media(block.type, block.data, block.mimeType);
    case 'tool_use':
      return { kind: 'toolUse', id: block.id, name: block.name, input: budget.view(safeJson(block.input, 2)) };
    case 'tool_result':
      return {
        kind: 'toolResult',
        toolUseId: block.toolUseId,
        isError: block.isError === true,
        content: block.content.map((c) => resultItemView(c, budget)),
        structured: block.structuredContent === undefined ? undefined : budget.view(safeJson(block.structuredContent, 2)),
      };
  }
}

/** The static parts of a card: the conversation and the request's parameters. */
export type RequestViews = Pick<SamplingCard, 'messages' | 'includeContext' | 'temperature' | 'stopSequences' | 'modelPreferences' | 'metadata' | 'tools' | 'toolChoice'> & {
  systemPrompt: TextView;
};

/** Builds the card's view of a validated request, every text capped. */
export function requestViews(request: SamplingRequest): RequestViews {
  const budget = new TextBudget();
  const prefs = request.modelPreferences;
  return {
    systemPrompt: budget.view(request.systemPrompt ?? ''),
    messages: request.messages.map((m) => ({ role: m.role, blocks: m.content.map((b) => blockView(b, budget)) })),
    includeContext: request.includeContext,
    temperature: request.temperature,
    stopSequences: request.stopSequences,
    modelPreferences: prefs
      ? {
          hints: (prefs.hints ?? []).map((h) => h.name ?? '').filter((n) => n !== ''),
          costPriority: prefs.costPriority,
          speedPriority: prefs.speedPriority,
          intelligencePriority: prefs.intelligencePriority,
        }
      : undefined,
    metadata: request.metadata === undefined ? undefined : budget.view(safeJson(request.metadata, 2)),
    tools: request.tools?.map((t) => ({
      name: t.name,
      description: t.description === undefined ? undefined : budget.view(t.description),
      schema: budget.view(safeJson(t.inputSchema, 2)),
    })),
    toolChoice: request.toolChoice?.mode,
  };
}

/**
 * The full text behind a card target (`system`, `metadata`, `m<i>.b<j>`,
 * `m<i>.b<j>.c<k>`), for opening in an editor; undefined if there is none.
 */
export function fullTextOf(request: SamplingRequest, target: string): string | undefined {
  if (target === 'system') return request.systemPrompt;
  if (target === 'metadata') return request.metadata === undefined ? undefined : safeJson(request.metadata, 2);
  const m = /^m(\d+)\.b(\d+)(?:\.c(\d+))?$/.exec(target);
  if (!m) return undefined;
  const block = request.messages[Number(m[1])]?.content[Number(m[2])];
  if (!block) return undefined;
  if (m[3] === undefined) {
    if (block.type === 'text') return block.text;
    if (block.type === 'tool_use') return safeJson(block.input, 2);
    if (block.type === 'tool_result' && block.structuredContent !== undefined) return safeJson(block.structuredContent, 2);
    return undefined;
  }
  if (block.type !== 'tool_result') return undefined;
  const item = block.content[Number(m[3])];
  if (item?.type === 'text') return item.text;
  if (item?.type === 'resource' && 'text' in item.resource) return item.resource.text;
  return undefined;
}
