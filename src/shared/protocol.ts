/**
 * The typed protocol between the extension and its webviews. Every message
 * both ways is listed here as a discriminated union on `type`. The webview
 * posts `ready` first; the extension sends nothing before it and re-sends the
 * full state on every `ready` (the extension side owns the truth).
 *
 * Sampling and elicitation cards and actions live in their own modules
 * (`samplingProtocol.ts`, `elicitationProtocol.ts`) and are composed here.
 */
import { parseElicitationAction, type ElicitationAction, type ElicitationCard } from './elicitationProtocol';
import { parseSamplingAction, type SamplingAction, type SamplingCard } from './samplingProtocol';
import type { ToolResultView } from './toolResult';
import type { ExtensionToToolArgs, ToolArgsToExtension } from './toolArgsProtocol';

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
  closed?: { kind: 'timeout' | 'cancelled-by-server' | 'server-gone'; message: string };
}

/** A pending request card. */
export type RequestCard = CardBase & ({ kind: 'sampling'; sampling: SamplingCard } | { kind: 'elicitation'; elicitation: ElicitationCard });

/** One finished request in the History section. */
export interface HistoryEntry {
  id: string;
  kind: 'sampling' | 'elicitation';
  server: string;
  outcome: string;
  at: number;
  summary: string;
}

/** The full state of the Requests view. */
export interface RequestsViewState {
  serverCount: number;
  runningCount: number;
  /** The global "pause all sampling" switch. */
  samplingPaused: boolean;
  /** Pending requests, oldest first. */
  requests: RequestCard[];
  /** Recently finished requests, newest first. */
  history: HistoryEntry[];
}

/** Messages from the extension to a webview. */
export type ExtensionToWebview =
  | { type: 'requestsState'; state: RequestsViewState }
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
  | { type: 'samplingAction'; id: string; action: SamplingAction }
  | { type: 'elicitationAction'; id: string; action: ElicitationAction }
  | { type: 'dismiss'; id: string }
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
    case 'samplingAction': {
      const id = cardId(msg.id);
      const action = parseSamplingAction(msg.action);
      return id && action ? { type: 'samplingAction', id, action } : undefined;
    }
    case 'elicitationAction': {
      const id = cardId(msg.id);
      const action = parseElicitationAction(msg.action);
      return id && action ? { type: 'elicitationAction', id, action } : undefined;
    }
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
