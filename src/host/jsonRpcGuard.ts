import { parseJSONRPCMessage, ProtocolErrorCode, type JSONRPCMessage } from '@modelcontextprotocol/client';

/** A JSON-RPC error response the host sends itself, for a request the SDK would drop. */
export interface InvalidRequestReply {
  jsonrpc: '2.0';
  /** The request's id when it is a string or a finite number, otherwise null (JSON-RPC 2.0 §5). */
  id: string | number | null;
  error: { code: number; message: string };
}

/** What one received JSON value is, for the transport to act on. */
export type Incoming =
  | { kind: 'message'; message: JSONRPCMessage }
  /** Something with a method and an id that is not a valid request: it is owed an error. */
  | { kind: 'invalidRequest'; reply: InvalidRequestReply; reason: string }
  /** Not a request and not usable (bad JSON, a malformed response or notification): logged and dropped. */
  | { kind: 'dropped'; reason: string };

const SNIPPET = 120;

/**
 * Reads one line a server wrote. The SDK's transports drop every message that
 * fails its schema, so a malformed request would never be answered and the
 * server would wait for ever; here such requests come back as
 * `invalidRequest` with the error to send (-32602 when only `params` is
 * wrong, else -32600). A JSON array (a 2025-03-26 batch) is read element by
 * element. Lines that are not JSON cannot be attributed to a request and are
 * dropped without an answer: servers that print logs to stdout are common,
 * and answering each stray line would only feed them more noise.
 */
export function readLine(line: string): Incoming[] {
  if (line.trim() === '') return [];
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return [{ kind: 'dropped', reason: `not JSON: ${snippet(line)}` }];
  }
  if (Array.isArray(value)) return value.length === 0 ? [{ kind: 'dropped', reason: 'an empty batch' }] : value.map(classify);
  return [classify(value)];
}

/** Classifies one parsed JSON value. */
export function classify(value: unknown): Incoming {
  try {
    return { kind: 'message', message: parseJSONRPCMessage(value) };
  } catch {
    // Not a valid message: see below whether it is owed an answer.
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { kind: 'dropped', reason: `not a JSON-RPC message: ${snippet(JSON.stringify(value))}` };
  const record = value as Record<string, unknown>;
  if (!Object.hasOwn(record, 'method') || !Object.hasOwn(record, 'id')) return { kind: 'dropped', reason: `malformed JSON-RPC message: ${snippet(JSON.stringify(value))}` };
  const problem = requestProblem(record);
  const id = typeof record.id === 'string' || (typeof record.id === 'number' && Number.isFinite(record.id)) ? record.id : null;
  const code = problem.paramsOnly ? ProtocolErrorCode.InvalidParams : ProtocolErrorCode.InvalidRequest;
  const message = `Invalid request: ${problem.text}`;
  return { kind: 'invalidRequest', reply: { jsonrpc: '2.0', id, error: { code, message } }, reason: `${message} (${snippet(JSON.stringify(value))})` };
}

/** The first thing wrong with a request-shaped object (`paramsOnly` when nothing else is). */
function requestProblem(r: Record<string, unknown>): { text: string; paramsOnly?: boolean } {
  if (r.jsonrpc !== '2.0') return { text: 'jsonrpc must be "2.0"' };
  if (typeof r.method !== 'string') return { text: 'method must be a string' };
  if (!(typeof r.id === 'string' || (typeof r.id === 'number' && Number.isInteger(r.id)))) return { text: 'id must be a string or an integer' };
  const extra = Object.keys(r).find((k) => k !== 'jsonrpc' && k !== 'id' && k !== 'method' && k !== 'params');
  if (extra !== undefined) return { text: `unexpected member ${JSON.stringify(extra.slice(0, 40))}` };
  if (r.params !== undefined && (typeof r.params !== 'object' || r.params === null || Array.isArray(r.params))) return { text: 'params must be an object', paramsOnly: true };
  return { text: 'params do not match the JSON-RPC request shape', paramsOnly: true };
}

function snippet(text: string | undefined): string {
  const t = text ?? String(text);
  return t.length > SNIPPET ? `${t.slice(0, SNIPPET)}… (${t.length} characters)` : t;
}
