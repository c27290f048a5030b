/**
 * Prefills and validates elicitation forms. The same code runs in the webview
 * (as-you-type feedback) and in the extension host (the check that counts
 * before anything is sent to the server).
 */

import { checkFormat, codePointLength } from './formats';
import type {
  BooleanField,
  Field,
  FieldResult,
  FormContent,
  FormModel,
  FormResult,
  FormValues,
  MultiSelectField,
  NumberField,
  SelectField,
  TextField,
} from './types';
import { isRecord, own, setOwn } from './util';

/**
 * The values a form starts with: each field's validated default (SEP-1034),
 * or `undefined`. Every field gets an own key. Number defaults are given as
 * strings, like everything a number input holds.
 */
export function initialValues(form: FormModel): FormValues {
  const values: FormValues = {};
  for (const field of form.fields) setOwn(values, field.name, initialValue(field));
  return values;
}

function initialValue(field: Field): FormValues[string] {
  switch (field.kind) {
    case 'number':
      return field.default === undefined ? undefined : String(field.default);
    case 'multiselect':
      return field.default === undefined ? undefined : [...field.default];
    default:
      return field.default;
  }
}

/**
 * Checks and coerces one raw input. Text and number inputs may arrive as
 * strings; the result holds the schema's type. An empty optional field gives
 * `{ ok: true }` with no `value`; an empty required one gives "Required".
 */
export function validateField(field: Field, raw: unknown): FieldResult {
  switch (field.kind) {
    case 'text':
      return validateText(field, raw);
    case 'number':
      return validateNumber(field, raw);
    case 'boolean':
      return validateBoolean(field, raw);
    case 'select':
      return validateSelect(field, raw);
    case 'multiselect':
      return validateMultiSelect(field, raw);
  }
}

/**
 * Validates every field of `form` against `values` (untrusted, e.g. from the
 * webview). On success `content` holds only declared properties with their
 * schema types, and omits empty optional fields.
 */
export function validateForm(form: FormModel, values: Readonly<Record<string, unknown>>): FormResult {
  const input: Record<string, unknown> = isRecord(values) ? values : {};
  const content: FormContent = {};
  const errors: Record<string, string> = {};
  let failed = false;
  for (const field of form.fields) {
    const result = validateField(field, own(input, field.name));
    if (!result.ok) {
      setOwn(errors, field.name, result.error);
      failed = true;
    } else if (result.value !== undefined) {
      setOwn(content, field.name, result.value);
    }
  }
  return failed ? { ok: false, errors } : { ok: true, content };
}

const REQUIRED = 'Required';

function fail(error: string): FieldResult {
  return { ok: false, error };
}

function empty(field: Field): FieldResult {
  return field.required ? fail(REQUIRED) : { ok: true };
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function validateText(field: TextField, raw: unknown): FieldResult {
  if (raw === undefined || raw === null) return empty(field);
  if (typeof raw !== 'string') return fail('Enter text');
  // Whitespace-only counts as empty. Plain text is sent as typed; formatted values are trimmed.
  if (raw.trim() === '') return empty(field);
  const value = field.format === 'plain' ? raw : raw.trim();
  const length = codePointLength(value);
  if (field.minLength !== undefined && length < field.minLength) {
    return fail(`Must be at least ${plural(field.minLength, 'character')}`);
  }
  if (field.maxLength !== undefined && length > field.maxLength) {
    return fail(`Must be at most ${plural(field.maxLength, 'character')}`);
  }
  const formatError = checkFormat(field.format, value);
  return formatError === undefined ? { ok: true, value } : fail(formatError);
}

// Plain decimal notation only: no hex, no "Infinity", no thousands separators.
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

function parseNumber(raw: unknown): number | 'empty' | 'invalid' {
  if (raw === undefined || raw === null) return 'empty';
  if (typeof raw === 'number') return Number.isFinite(raw) ? raw : 'invalid';
  if (typeof raw !== 'string') return 'invalid';
  const text = raw.trim();
  if (text === '') return 'empty';
  if (!DECIMAL.test(text)) return 'invalid';
  const value = Number(text);
  return Number.isFinite(value) ? value : 'invalid';
}

function validateNumber(field: NumberField, raw: unknown): FieldResult {
  const parsed = parseNumber(raw);
  if (parsed === 'empty') return empty(field);
  if (parsed === 'invalid') return fail(field.integer ? 'Enter a whole number' : 'Enter a number');
  // -0 would survive as -0 in JS but means nothing to a server.
  const value = parsed === 0 ? 0 : parsed;
  if (field.integer && !Number.isInteger(value)) return fail('Enter a whole number');
  if (field.integer && !Number.isSafeInteger(value)) return fail('Number is too large');
  if (field.minimum !== undefined && value < field.minimum) return fail(`Must be at least ${field.minimum}`);
  if (field.maximum !== undefined && value > field.maximum) return fail(`Must be at most ${field.maximum}`);
  return { ok: true, value };
}

function validateBoolean(field: BooleanField, raw: unknown): FieldResult {
  if (raw === undefined || raw === null) return empty(field);
  return typeof raw === 'boolean' ? { ok: true, value: raw } : fail('Choose yes or no');
}

function validateSelect(field: SelectField, raw: unknown): FieldResult {
  if (raw === undefined || raw === null || raw === '') return empty(field);
  if (typeof raw === 'string' && field.options.some((o) => o.value === raw)) return { ok: true, value: raw };
  return fail('Choose one of the listed options');
}

function validateMultiSelect(field: MultiSelectField, raw: unknown): FieldResult {
  if (raw === undefined || raw === null) return empty(field);
  if (!Array.isArray(raw)) return fail('Choose from the listed options');
  const offered = new Set(field.options.map((o) => o.value));
  if (!raw.every((v): v is string => typeof v === 'string' && offered.has(v))) {
    return fail('Choose only from the listed options');
  }
  const chosen = new Set<string>(raw);
  // Option order, not click order, so the same choice always gives the same content.
  const value = field.options.map((o) => o.value).filter((v) => chosen.has(v));
  if (value.length === 0) {
    // An explicit minItems of 0 makes "none of these" a real answer to a required field.
    return field.required && field.minItems === 0 ? { ok: true, value } : empty(field);
  }
  if (field.minItems !== undefined && value.length < field.minItems) {
    return fail(`Select at least ${plural(field.minItems, 'option')}`);
  }
  if (field.maxItems !== undefined && value.length > field.maxItems) {
    return fail(`Select at most ${plural(field.maxItems, 'option')}`);
  }
  return { ok: true, value };
}
