/**
 * Reads an untrusted `elicitation/create` request into what the host can show:
 * a form, a URL, or a refusal with a reason that names what was wrong.
 */
import { specTypeSchemas } from '@modelcontextprotocol/client';
import { assessElicitationUrl, buildFormModel, findSensitiveFields, type AcceptedUrl, type FormModel, type SensitiveField } from '../../shared/elicitation';

/** Longest server message shown on a card; longer ones are cut with a note. */
export const MAX_MESSAGE_CHARS = 10_000;
/** Longest elicitation id accepted in URL mode. */
export const MAX_ELICITATION_ID_LENGTH = 500;

/** The outcome of reading a request. */
export type CheckedElicitation =
  | { kind: 'form'; message: string; form: FormModel; sensitive: SensitiveField[] }
  | { kind: 'url'; message: string; elicitationId?: string; url: AcceptedUrl }
  | { kind: 'refused'; requestedMode: 'form' | 'url' | 'unknown'; message?: string; reason: string };

/**
 * Checks a request the way the host will answer it. Everything outside the
 * spec (nested objects, free arrays, unknown types or formats, non-http(s)
 * links, modes nobody declared) is refused with a readable reason. URL mode
 * needs an `elicitationId` in the 2025 era only (2026-07-28 dropped it).
 * Never throws.
 */
export function checkElicitationParams(params: unknown, era?: 'legacy' | 'modern'): CheckedElicitation {
  if (typeof params !== 'object' || params === null || Array.isArray(params)) {
    return { kind: 'refused', requestedMode: 'unknown', reason: 'The request has no parameters object' };
  }
  const p = params as Record<string, unknown>;
  const mode = p.mode ?? 'form';
  const message = typeof p.message === 'string' ? clip(p.message) : undefined;
  if (mode !== 'form' && mode !== 'url') {
    return { kind: 'refused', requestedMode: 'unknown', message, reason: `Unknown elicitation mode ${describe(mode)}; only form and url exist` };
  }
  const refuse = (reason: string): CheckedElicitation => ({ kind: 'refused', requestedMode: mode, message, reason });
  if (message === undefined) return refuse('The request has no message to show');
  return mode === 'form' ? checkForm(p, message, refuse) : checkUrl(p, message, refuse, era !== 'modern');
}

function checkForm(p: Record<string, unknown>, message: string, refuse: (reason: string) => CheckedElicitation): CheckedElicitation {
  const built = buildFormModel(p.requestedSchema);
  if (!built.ok) return refuse(built.reason);
  const sdkProblem = specProblem('form', p);
  if (sdkProblem) return refuse(sdkProblem);
  return { kind: 'form', message, form: built.form, sensitive: findSensitiveFields(built.form) };
}

function checkUrl(p: Record<string, unknown>, message: string, refuse: (reason: string) => CheckedElicitation, needsId: boolean): CheckedElicitation {
  const id = p.elicitationId;
  const validId = typeof id === 'string' && id.length > 0 && id.length <= MAX_ELICITATION_ID_LENGTH;
  if ((needsId || id !== undefined) && !validId) return refuse('A URL request needs an elicitationId (a non-empty string)');
  if (typeof p.url !== 'string') return refuse('A URL request needs a url');
  const assessed = assessElicitationUrl(p.url);
  if (!assessed.ok) return refuse(assessed.reason);
  // The shared schema is the 2025 one, where the id is required.
  const sdkProblem = specProblem('url', validId ? p : { ...p, elicitationId: '-' });
  if (sdkProblem) return refuse(sdkProblem);
  return validId ? { kind: 'url', message, elicitationId: id, url: assessed } : { kind: 'url', message, url: assessed };
}

/**
 * The SDK validates requests against the spec's schema too; anything it would
 * reject must be refused here as well, with the first problem's location.
 */
function specProblem(mode: 'form' | 'url', params: Record<string, unknown>): string | undefined {
  const schema = mode === 'form' ? specTypeSchemas.ElicitRequestFormParams : specTypeSchemas.ElicitRequestURLParams;
  const result = schema['~standard'].validate(params);
  const issue = result.issues?.[0];
  if (!issue) return undefined;
  const path = (issue.path ?? []).map((s) => String(typeof s === 'object' && s !== null && 'key' in s ? s.key : s));
  const where = path[0] === 'requestedSchema' && path[1] === 'properties' && path[2] !== undefined ? `Property ${JSON.stringify(path[2].slice(0, 60))}` : path.length > 0 ? path.join('.') : 'The request';
  return `${where} does not follow the MCP elicitation schema`;
}

function clip(message: string): string {
  return message.length <= MAX_MESSAGE_CHARS ? message : `${message.slice(0, MAX_MESSAGE_CHARS)}… (message cut after ${MAX_MESSAGE_CHARS} characters)`;
}

function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value.slice(0, 40)) : `(${typeof value})`;
}
