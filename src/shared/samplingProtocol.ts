/**
 * Sampling cards and the person's actions on them (extension ↔ webview).
 * Owned by the sampling feature; `protocol.ts` composes it.
 *
 * Every string in a card that came from a server is untrusted: the webview
 * renders it as text only. Long texts arrive capped (see {@link TextView});
 * the host keeps the full text and can open it in an editor.
 */
import type { CardPolicy } from './samplingPolicy';

/** Characters of one text block sent to the webview; the rest stays on the host. */
export const CARD_TEXT_CAP = 20_000;

/** Where a request is in its life. */
export type SamplingPhase = 'review' | 'running' | 'completed' | 'error';

/** The review steps the server's policy asks for (deny never reaches a card). */
export type { CardPolicy };

/** A text as the webview gets it: at most {@link CARD_TEXT_CAP} characters. */
export interface TextView {
  text: string;
  /** Length of the full text on the host. */
  length: number;
  /** True when `text` is only the beginning of it. */
  truncated: boolean;
}

/** A text the person may edit: the server's original and, once applied, the edit. */
export interface EditableText {
  original: TextView;
  /** The edited text the host applied (set after a run with edits). */
  current?: TextView;
}

/** One content block of a message, ready to render. */
export type BlockView =
  | { kind: 'text'; text: EditableText }
  | { kind: 'image'; mimeType: string; bytes: number; /** base64, absent when too large to preview */ data?: string }
  | { kind: 'audio'; mimeType: string; bytes: number; data?: string }
  | { kind: 'toolUse'; id: string; name: string; input: TextView }
  | { kind: 'toolResult'; toolUseId: string; isError: boolean; content: BlockView[]; structured?: TextView }
  | { kind: 'resource'; uri: string; name?: string; mimeType?: string; text?: TextView; bytes?: number };

/** One message of the conversation the server sent. */
export interface MessageView {
  role: 'user' | 'assistant';
  blocks: BlockView[];
}

/** One model the picker offers. */
export interface ModelOption {
  id: string;
  label: string;
  /** vendor / family / version, for the tooltip. */
  detail: string;
}

/** An offered tool. */
export interface ToolView {
  name: string;
  description?: TextView;
  /** The input schema as pretty JSON. */
  schema: TextView;
}

/** The model's answer, streaming or done. */
export interface CompletionView {
  /** Changes on every run, so the webview knows to reset its editor. */
  runId: number;
  text: TextView;
  toolUses: Array<{ id: string; name: string; input: TextView }>;
  streaming: boolean;
  stopReason?: string;
  modelId: string;
  modelLabel: string;
  outputTokens: number;
}

/**
 * Streamed text appended to a card's completion (sent instead of the whole
 * card while a model runs). `append` continues the shown text; the shown text
 * stays capped at {@link CARD_TEXT_CAP}, `length` is the full length so far.
 */
export interface CompletionDelta {
  runId: number;
  append: string;
  length: number;
  /** The tool calls so far, when they changed (small; sent whole). */
  toolUses?: CompletionView['toolUses'];
}

/**
 * Applies a delta to a completion, in place; returns false when it belongs to
 * another run (the caller then ignores it). One definition for both sides.
 */
export function applyCompletionDelta(completion: CompletionView | undefined, delta: CompletionDelta): boolean {
  if (!completion || completion.runId !== delta.runId) return false;
  const room = CARD_TEXT_CAP - completion.text.text.length;
  const text = room > 0 ? completion.text.text + delta.append.slice(0, room) : completion.text.text;
  completion.text = { text, length: delta.length, truncated: delta.length > text.length };
  if (delta.toolUses) completion.toolUses = delta.toolUses;
  return true;
}

/** The card with a delta applied, as a new card (the original and its completion are left as they were). */
export function reduceCompletionDelta(card: SamplingCard, delta: CompletionDelta): SamplingCard {
  if (!card.completion) return card;
  const completion = { ...card.completion };
  return applyCompletionDelta(completion, delta) ? { ...card, completion } : card;
}

/** `maxTokens` as requested, capped by the budget, and as (possibly) edited. */
export interface MaxTokensView {
  requested: number;
  /** The server's budget ceiling. */
  ceiling: number;
  /** The value used (after clamping and edits). */
  value: number;
  clamped: boolean;
}

/** Model preferences, as sent (hints in order, then the three priorities). */
export interface PreferencesView {
  hints: string[];
  costPriority?: number;
  speedPriority?: number;
  intelligencePriority?: number;
}

/** The view data of one sampling request card. */
export interface SamplingCard {
  phase: SamplingPhase;
  policy: CardPolicy;
  messages: MessageView[];
  systemPrompt: EditableText & { present: boolean };
  maxTokens: MaxTokensView;
  includeContext?: string;
  temperature?: number;
  stopSequences?: string[];
  modelPreferences?: PreferencesView;
  metadata?: TextView;
  tools?: ToolView[];
  toolChoice?: string;
  models: ModelOption[];
  /** The model selected (preselected, or the one the person chose). */
  modelId?: string;
  /** Why that model was preselected, or why none can be. */
  modelReason: string;
  /** Models left out by the server's `allowedModels`. */
  hiddenModels: number;
  completion?: CompletionView;
  /** The last failure (model error, rate limit…), shown as an alert. */
  error?: string;
  /** Things the person should know (clamped maxTokens, audio not sent…). */
  notices: string[];
  /** What the host applied as edits, e.g. `systemPrompt`, `messages[0]`, `maxTokens`, `model`. */
  edits: string[];
  /** The server now runs without review (set by "Always allow this server"). */
  alwaysAllowed?: boolean;
}

/** Edits the person made to the prompt before running it. */
export interface PromptEdits {
  /** New texts of text blocks, by message and block index. */
  messages: Array<{ message: number; block: number; text: string }>;
  systemPrompt?: string;
  maxTokens?: number;
}

/**
 * Which long text to open in an editor: `system`, `completion`, `metadata`,
 * `m<i>.b<j>` (a block) or `m<i>.b<j>.c<k>` (inside a tool result).
 */
export type FullTextTarget = string;

/** What the person can do on a sampling card. */
export type SamplingAction =
  | { type: 'run'; modelId: string; edits: PromptEdits }
  | { type: 'stop' }
  | { type: 'send'; /** The edited completion text, when the person changed it. */ completion?: string }
  | { type: 'reject' }
  | { type: 'returnError' }
  | { type: 'alwaysAllow' }
  | { type: 'openFull'; target: FullTextTarget };

/** Upper bounds for webview input; anything beyond is refused. */
export const ACTION_LIMITS = {
  maxTextLength: 1_000_000,
  maxMessageEdits: 1000,
  maxIndex: 10_000,
  maxModelIdLength: 500,
  maxTokens: 10_000_000,
} as const;

const TARGET = /^(system|completion|metadata|m\d{1,5}\.b\d{1,5}(\.c\d{1,5})?)$/;

function isIndex(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= ACTION_LIMITS.maxIndex;
}

function isText(v: unknown): v is string {
  return typeof v === 'string' && v.length <= ACTION_LIMITS.maxTextLength;
}

function parseEdits(raw: unknown): PromptEdits | undefined {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const e = raw as Record<string, unknown>;
  if (!Array.isArray(e.messages) || e.messages.length > ACTION_LIMITS.maxMessageEdits) return undefined;
  const messages: PromptEdits['messages'] = [];
  for (const m of e.messages) {
    if (!m || typeof m !== 'object') return undefined;
    const { message, block, text } = m as Record<string, unknown>;
    if (!isIndex(message) || !isIndex(block) || !isText(text)) return undefined;
    messages.push({ message, block, text });
  }
  const edits: PromptEdits = { messages };
  if (e.systemPrompt !== undefined) {
    if (!isText(e.systemPrompt)) return undefined;
    edits.systemPrompt = e.systemPrompt;
  }
  if (e.maxTokens !== undefined) {
    const n = e.maxTokens;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > ACTION_LIMITS.maxTokens) return undefined;
    edits.maxTokens = n;
  }
  return edits;
}

/** Every sampling action type (the broker checks an action belongs to its card's kind). */
export const SAMPLING_ACTION_TYPES: ReadonlySet<SamplingAction['type']> = new Set(['run', 'stop', 'send', 'reject', 'returnError', 'alwaysAllow', 'openFull']);

/** Validates a sampling action coming from the webview (untrusted): exact shapes, bounded sizes. */
export function parseSamplingAction(raw: unknown): SamplingAction | undefined {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const a = raw as Record<string, unknown>;
  switch (a.type) {
    case 'run': {
      const edits = parseEdits(a.edits);
      const ok = typeof a.modelId === 'string' && a.modelId.length > 0 && a.modelId.length <= ACTION_LIMITS.maxModelIdLength;
      return ok && edits ? { type: 'run', modelId: a.modelId as string, edits } : undefined;
    }
    case 'send':
      if (a.completion === undefined) return { type: 'send' };
      return isText(a.completion) ? { type: 'send', completion: a.completion } : undefined;
    case 'openFull':
      return typeof a.target === 'string' && TARGET.test(a.target) ? { type: 'openFull', target: a.target } : undefined;
    case 'stop':
    case 'reject':
    case 'returnError':
    case 'alwaysAllow':
      return { type: a.type };
    default:
      return undefined;
  }
}

/**
 * Whether a new card needs the person: false for cards that run and send
 * without review (policy `auto`), so the extension need not notify for them.
 */
export function samplingCardNeedsAttention(card: Pick<SamplingCard, 'policy' | 'phase'>): boolean {
  return card.policy !== 'auto' || card.phase === 'error';
}
