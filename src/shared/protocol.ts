/**
 * The typed protocol between the extension and its webviews. Every message
 * both ways is listed here as a discriminated union on `type`. The webview
 * posts `ready` first; the extension sends nothing before it and re-sends the
 * full state on every `ready` (the extension side owns the truth).
 *
 * Sampling and elicitation cards and actions live in their own modules
 * (`samplingProtocol.ts`, `elicitationProtocol.ts`) and are composed here.
 */
import { ELICITATION_ACTION_TYPES, parseElicitationAction, type ElicitationAction, type ElicitationCard } from './elicitationProtocol';
import { parseSamplingAction, reduceCompletionDelta, SAMPLING_ACTION_TYPES, samplingCardNeedsAttention, type CompletionDelta, type SamplingAction, type SamplingCard } from './samplingProtocol';
import type { ToolResultView } from './toolResult';
import type { ExtensionToToolArgs, ToolArgsToExtension } from './toolArgsProtocol';

/**
 * Every kind of request a person reviews, with its card (view data), the
 * person's actions, and what it streams (`never` when nothing). A new kind is
 * one entry here and in {@link REVIEW_KINDS}, its protocol module and its view;
 * the compiler lists every other place that must handle it.
 */
export interface ReviewKinds {
  sampling: { card: SamplingCard; action: SamplingAction; delta: CompletionDelta };
  elicitation: { card: ElicitationCard; action: ElicitationAction; delta: never };
}
export type ReviewKind = keyof ReviewKinds;
export type CardOf<K extends ReviewKind> = ReviewKinds[K]['card'];
export type ActionOf<K extends ReviewKind> = ReviewKinds[K]['action'];
export type DeltaOf<K extends ReviewKind> = ReviewKinds[K]['delta'];
/** Any action of any kind (action type names are unique across kinds). */
export type ReviewAction = ActionOf<ReviewKind>;

/** What the protocol needs to know about each kind at run time. */
export interface ReviewKindSpec<K extends ReviewKind> {
  /** Validates an action from the webview (untrusted): the one place actions are parsed. */
  parseAction(raw: unknown): ActionOf<K> | undefined;
  /** The action types of this kind, to route an already-typed action to a card of the right kind. */
  actionTypes: ReadonlySet<ActionOf<K>['type']>;
  /** What "Reject all from this server" does to a card of this kind. */
  rejectAction: ActionOf<K>;
  /** What Dismiss does to an open card of this kind (info cards); absent: only closed cards can be dismissed. */
  dismissAction?: ActionOf<K>;
  /** Folds a streamed delta into a card, returning a new card (kinds that stream nothing have none). */
  reduceDelta?(card: CardOf<K>, delta: DeltaOf<K>): CardOf<K>;
  /** Whether a card of this kind needs the person now; absent: always (every kind but sampling under policy auto). */
  needsAttention?(card: CardOf<K>): boolean;
}

export const REVIEW_KINDS: { [K in ReviewKind]: ReviewKindSpec<K> } = {
  sampling: { parseAction: parseSamplingAction, actionTypes: SAMPLING_ACTION_TYPES, rejectAction: { type: 'reject' }, reduceDelta: reduceCompletionDelta, needsAttention: samplingCardNeedsAttention },
  elicitation: { parseAction: parseElicitationAction, actionTypes: ELICITATION_ACTION_TYPES, rejectAction: { type: 'decline' }, dismissAction: { type: 'dismiss' } },
};

/** Whether `action` is one of kind `kind`'s actions. */
export function isActionOf<K extends ReviewKind>(kind: K, action: ReviewAction): action is ActionOf<K> {
  return (REVIEW_KINDS[kind].actionTypes as ReadonlySet<string>).has(action.type);
}

/** A server, as the Requests view names it. */
export interface ServerLabel {
  /** The configured name (from the person's settings). */
  name: string;
  /** What the server calls itself (untrusted; shown as text only). */
  reportedName?: string;
}

/** The tool call that led to a request, when known. */
export interface ToolCallLabel {
  name: string;
  /** The arguments as pretty JSON (possibly truncated). */
  arguments?: string;
  /** More than one call was in flight; this one is a guess. */
  ambiguous?: boolean;
  /** The call came from VS Code chat through the gateway; the conversation id is untrusted text. */
  via?: { kind: 'chat'; conversationId?: string };
}

/** What every pending card carries, whatever its kind. */
export interface CardBase {
  id: string;
  server: ServerLabel;
  toolCall?: ToolCallLabel;
  createdAt: number;
  /** When the review times out (ms since epoch), if it does. */
  deadline?: number;
  /** Set when the request ended without an answer; the card stays until dismissed. */
  closed?: ClosedReason;
}

/** How a request ended without an answer from the person. */
export type ClosedReason = { kind: 'timeout' | 'cancelled-by-server' | 'server-gone'; message: string };

/** A pending request card: the common frame plus the kind's data under the kind's name (`card.sampling`). */
export type RequestCard<K extends ReviewKind = ReviewKind> = { [P in K]: CardBase & { kind: P } & { [Q in P]: CardOf<P> } }[K];

/** Changed fields of a card; `unset` lists the fields that were cleared. */
export type CardPatch<K extends ReviewKind = ReviewKind> = {
  [P in K]: { kind: P; closed?: ClosedReason; patch?: Partial<CardOf<P>>; unset?: string[] };
}[K];

/** One finished request in the History section. */
export interface HistoryEntry {
  id: string;
  kind: ReviewKind;
  server: string;
  outcome: string;
  at: number;
  summary: string;
}

/** The status line of the Requests view. */
export interface RequestsStatus {
  serverCount: number;
  runningCount: number;
  /** The global "pause all sampling" switch. */
  samplingPaused: boolean;
}

/** The full state of the Requests view (sent on `ready`; deltas follow). */
export interface RequestsViewState extends RequestsStatus {
  /** Pending requests, oldest first. */
  requests: RequestCard[];
  /** Recently finished requests, newest first. */
  history: HistoryEntry[];
}

/** Messages from the extension to a webview. */
export type ExtensionToWebview =
  /** The whole state: the answer to every `ready` (a re-resolved view starts from it). */
  | { type: 'requestsState'; state: RequestsViewState }
  /** A new request, appended (arrival order). Its media is sent here and never again. */
  | { type: 'cardAdded'; card: RequestCard }
  /** Only what changed on a card (media in sampling messages is left out). */
  | { type: 'cardUpdated'; id: string; update: CardPatch }
  /** The card left the queue (answered or dismissed). */
  | { type: 'cardRemoved'; id: string }
  /** Streamed text, appended to the card's completion. */
  | { type: 'completionDelta'; id: string; delta: CompletionDelta }
  | { type: 'statusChanged'; status: RequestsStatus }
  | { type: 'historyChanged'; history: HistoryEntry[] }
  | { type: 'toolResult'; view: ToolResultView }
  | ExtensionToToolArgs;

/**
 * Commands a webview may ask the extension to run (a fixed list, never a free
 * string). Each is the extension command `mcpApprovalHost.<name>`; a test
 * checks every one against package.json.
 */
export const WEBVIEW_COMMANDS = ['addServer', 'importServers', 'openSettings', 'showHostLog', 'openAuditLog'] as const;
export type WebviewCommand = (typeof WEBVIEW_COMMANDS)[number];

/** Messages from a webview to the extension. */
export type WebviewToExtension =
  | { type: 'ready' }
  | { type: 'command'; command: WebviewCommand }
  /** The tool result panel's "Open as JSON" (an action of that panel, not a command). */
  | { type: 'openResultJson' }
  /** The person acted on a card; `action` is of the card's kind. */
  | { [K in ReviewKind]: { type: 'action'; id: string; kind: K; action: ActionOf<K> } }[ReviewKind]
  /** The one Dismiss: removes a closed card, or hands an open info card its kind's dismiss action. */
  | { type: 'dismiss'; id: string }
  /** Rejects (sampling) or declines (elicitation) every open request of one server. */
  | { type: 'rejectAll'; server: string }
  | { type: 'setSamplingPaused'; paused: boolean }
  | ToolArgsToExtension;

function cardId(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 && v.length <= 100 ? v : undefined;
}

/**
 * Validates a message from a webview. Webview content renders server text, so
 * its messages are checked like any other untrusted input.
 */
export function parseWebviewMessage(raw: unknown): WebviewToExtension | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const msg = raw as Record<string, unknown>;
  switch (msg.type) {
    case 'ready':
      return { type: 'ready' };
    case 'command':
      return typeof msg.command === 'string' && (WEBVIEW_COMMANDS as readonly string[]).includes(msg.command) ? { type: 'command', command: msg.command as WebviewCommand } : undefined;
    case 'openResultJson':
      return { type: 'openResultJson' };
    case 'action': {
      const id = cardId(msg.id);
      return id ? parseAction(id, msg.kind, msg.action) : undefined;
    }
    case 'rejectAll':
      return typeof msg.server === 'string' && msg.server.length > 0 && msg.server.length <= 500 ? { type: 'rejectAll', server: msg.server } : undefined;
    case 'dismiss': {
      const id = cardId(msg.id);
      return id ? { type: 'dismiss', id } : undefined;
    }
    case 'setSamplingPaused':
      return typeof msg.paused === 'boolean' ? { type: 'setSamplingPaused', paused: msg.paused } : undefined;
    default:
      return undefined;
  }
}

function parseAction(id: string, kind: unknown, raw: unknown): WebviewToExtension | undefined {
  switch (kind) {
    case 'sampling': {
      const action = REVIEW_KINDS.sampling.parseAction(raw);
      return action && { type: 'action', id, kind, action };
    }
    case 'elicitation': {
      const action = REVIEW_KINDS.elicitation.parseAction(raw);
      return action && { type: 'action', id, kind, action };
    }
    default:
      return undefined;
  }
}
