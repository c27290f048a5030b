/**
 * Elicitation cards and the person's actions on them (extension ↔ webview).
 * Owned by the elicitation feature; `protocol.ts` composes it.
 *
 * Card data is built by the host from the server's (untrusted) request and is
 * plain JSON. Actions come from the webview and are untrusted too: the parser
 * below checks their shape, and the host re-validates accepted values against
 * the form model before anything reaches the server.
 */
import type { AcceptedUrl, FormModel, SensitiveField } from './elicitation';

/** A form-mode request the host can show. */
export interface FormElicitationCard {
  mode: 'form';
  /** The server's message (plain text, possibly truncated for display). */
  message: string;
  form: FormModel;
  /** Fields that seem to ask for secrets; the card warns and recommends Decline. */
  sensitive: SensitiveField[];
  /** Problems the host found in the last Accept (field name → message); the card stays open. */
  hostErrors?: Record<string, string>;
}

/** A URL-mode request whose link passed the host's checks. */
export interface UrlElicitationCard {
  mode: 'url';
  message: string;
  /** Absent in the 2026-07-28 era, which dropped it. */
  elicitationId?: string;
  /** The normalised link with its display parts and warnings: show and open `url.url` only. */
  url: AcceptedUrl;
  /** Set while the consent dialog is open, or when opening failed. */
  status?: { kind: 'confirming' } | { kind: 'failed'; message: string };
  /** For links a failed tool call asked for (error -32042): that tool's name. */
  requiredBy?: string;
}

/** A request the host refused (error -32602): an info card, never a half-rendered form. */
export interface RefusedElicitationCard {
  mode: 'refused';
  /** What the server asked for, as far as it could be read. */
  requestedMode: 'form' | 'url' | 'unknown';
  message?: string;
  /** Why it was refused (plain text). */
  reason: string;
}

/** The view data of one elicitation request card. */
export type ElicitationCard = FormElicitationCard | UrlElicitationCard | RefusedElicitationCard;

/** A raw form value as the webview holds it; the host validates and coerces it. */
export type RawFieldValue = string | number | boolean | string[] | null;

/** What the person can do on an elicitation card. */
export type ElicitationAction =
  /** Send the form (form mode). `values` are raw and re-validated by the host. */
  | { type: 'accept'; values: Record<string, RawFieldValue> }
  | { type: 'decline' }
  /** Cancel, also sent when the card is dismissed without a choice. */
  | { type: 'cancel' }
  /** URL mode: ask for consent and open the card's own URL (the action carries none). */
  | { type: 'openUrl' }
  /** Remove an info card (a refused request) from the view. */
  | { type: 'dismiss' };

/** Every elicitation action type (the broker checks an action belongs to its card's kind). */
export const ELICITATION_ACTION_TYPES: ReadonlySet<ElicitationAction['type']> = new Set(['accept', 'decline', 'cancel', 'openUrl', 'dismiss']);

/** Bounds on what an `accept` action may carry. */
export const ACTION_LIMITS = {
  maxFields: 200,
  maxNameLength: 200,
  maxStringLength: 100_000,
  maxArrayItems: 500,
  maxItemLength: 1_000,
} as const;

/** Validates an elicitation action coming from the webview (untrusted). */
export function parseElicitationAction(raw: unknown): ElicitationAction | undefined {
  if (!isPlainObject(raw)) return undefined;
  switch (raw.type) {
    case 'accept': {
      const values = parseValues(raw.values);
      return values ? { type: 'accept', values } : undefined;
    }
    case 'decline':
    case 'cancel':
    case 'openUrl':
    case 'dismiss':
      return { type: raw.type };
    default:
      return undefined;
  }
}

/** Checks the shape of raw form values; returns a fresh null-prototype copy, or undefined. */
export function parseValues(raw: unknown): Record<string, RawFieldValue> | undefined {
  if (!isPlainObject(raw)) return undefined;
  const keys = Object.keys(raw);
  if (keys.length > ACTION_LIMITS.maxFields) return undefined;
  const out: Record<string, RawFieldValue> = Object.create(null) as Record<string, RawFieldValue>;
  for (const key of keys) {
    if (key.length === 0 || key.length > ACTION_LIMITS.maxNameLength) return undefined;
    const value = parseValue(raw[key]);
    if (value === undefined) return undefined;
    out[key] = value;
  }
  return out;
}

function parseValue(value: unknown): RawFieldValue | undefined {
  if (value === null || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string') return value.length <= ACTION_LIMITS.maxStringLength ? value : undefined;
  if (!Array.isArray(value) || value.length > ACTION_LIMITS.maxArrayItems) return undefined;
  const items: string[] = [];
  for (const item of value) {
    if (typeof item !== 'string' || item.length > ACTION_LIMITS.maxItemLength) return undefined;
    items.push(item);
  }
  return items;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
