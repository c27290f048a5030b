/**
 * Messages of the "Call Tool…" arguments form (a webview panel that reuses the
 * elicitation form renderer for tools whose `inputSchema` is flat).
 */
import { buildFormModel, type FormModel, type SensitiveField } from './elicitation';
import { parseValues, type RawFieldValue } from './elicitationProtocol';

/** What the arguments form shows. */
export interface ToolArgsView {
  server: string;
  tool: string;
  /** The tool's title and description (server text: rendered as text only). */
  title?: string;
  description?: string;
  form: FormModel;
  sensitive: SensitiveField[];
  /** Problems the extension found in the last submit (field name → message). */
  errors?: Record<string, string>;
}

/** What the person can do on the arguments form. */
export type ToolArgsAction =
  | { type: 'submit'; values: Record<string, RawFieldValue> }
  | { type: 'cancel' }
  /** Switch to the JSON input box instead. */
  | { type: 'json' };

/** Extension → arguments form. */
export type ExtensionToToolArgs = { type: 'toolArgsForm'; view: ToolArgsView };

/** Arguments form → extension (besides the common `ready`). */
export type ToolArgsToExtension = { type: 'toolArgsAction'; action: ToolArgsAction };

/** Validates a message from the arguments form (untrusted). */
export function parseToolArgsMessage(raw: unknown): ToolArgsToExtension | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const msg = raw as Record<string, unknown>;
  if (msg.type !== 'toolArgsAction' || !msg.action || typeof msg.action !== 'object') return undefined;
  const action = msg.action as Record<string, unknown>;
  if (action.type === 'cancel' || action.type === 'json') return { type: 'toolArgsAction', action: { type: action.type } };
  if (action.type !== 'submit') return undefined;
  const values = parseValues(action.values);
  return values ? { type: 'toolArgsAction', action: { type: 'submit', values } } : undefined;
}

/**
 * The form for a tool's `inputSchema` when it is flat (what elicitation forms
 * allow), or `undefined` when it needs the JSON editor instead.
 */
export function toolArgumentsForm(inputSchema: { type?: unknown; properties?: unknown; required?: unknown } | undefined): FormModel | undefined {
  const schema = inputSchema ?? { type: 'object' };
  const built = buildFormModel({ type: schema.type, properties: schema.properties ?? {}, ...(schema.required !== undefined && { required: schema.required }) });
  return built.ok ? built.form : undefined;
}
