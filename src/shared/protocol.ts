/**
 * The typed protocol between the extension and its webviews. Every message
 * both ways is listed here as a discriminated union on `type`. The webview
 * posts `ready` first; the extension sends nothing before it and re-sends the
 * full state on every `ready` (the extension side owns the truth).
 */
import type { ToolResultView } from './toolResult';

/** A server, as the Requests view names it. */
export interface ServerLabel {
  /** The configured name (from the person's settings). */
  name: string;
  /** What the server calls itself (untrusted; shown as text only). */
  reportedName?: string;
}

/** The full state of the Requests view. */
export interface RequestsViewState {
  /** Configured servers, for the empty state. */
  serverCount: number;
  runningCount: number;
  /** Pending requests, oldest first. */
  requests: RequestCard[];
  /** Recently finished requests, newest first. */
  history: HistoryEntry[];
}

/** A pending request card; sampling and elicitation cards extend this union. */
export type RequestCard = { kind: 'placeholder'; id: string; server: ServerLabel };

/** One finished request in the History section. */
export interface HistoryEntry {
  id: string;
  kind: 'sampling' | 'elicitation';
  server: string;
  outcome: string;
  at: number;
  summary: string;
}

/** Messages from the extension to a webview. */
export type ExtensionToWebview =
  | { type: 'requestsState'; state: RequestsViewState }
  | { type: 'toolResult'; view: ToolResultView };

/** Commands a webview may ask the extension to run (a fixed list, never a free string). */
export type WebviewCommand = 'addServer' | 'importServers' | 'openSettings' | 'showHostLog' | 'openResultJson';

/** Messages from a webview to the extension. */
export type WebviewToExtension =
  | { type: 'ready' }
  | { type: 'command'; command: WebviewCommand };

const COMMANDS: readonly WebviewCommand[] = ['addServer', 'importServers', 'openSettings', 'showHostLog', 'openResultJson'];

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
      return typeof msg.command === 'string' && (COMMANDS as readonly string[]).includes(msg.command) ? { type: 'command', command: msg.command as WebviewCommand } : undefined;
    default:
      return undefined;
  }
}
