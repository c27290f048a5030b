/**
 * Turns the untrusted `requestedSchema` of a form-mode `elicitation/create`
 * into a small field model the webview can render. Anything outside the MCP
 * spec's flat primitive schemas is refused with a reason that names the property.
 */

import { readOptions } from './schemaOptions';
import type {
  BooleanField,
  BuildFormResult,
  Field,
  MultiSelectField,
  NumberField,
  SelectField,
  TextField,
  TextFormat,
} from './types';
import { validateField } from './validate';
import { isRecord, own, quote, SchemaRefusal } from './util';

/** Upper bounds on what a server may ask for; beyond them the form is refused. */
export const FORM_LIMITS = {
  maxProperties: 100,
  maxNameLength: 200,
  maxTitleLength: 500,
  maxDescriptionLength: 4000,
} as const;

const FORMATS: readonly TextFormat[] = ['email', 'uri', 'date', 'date-time'];

type Raw = Record<string, unknown>;
type Base = Pick<Field, 'name' | 'label' | 'description' | 'required'>;

/**
 * Builds the field model for `requestedSchema`. Never throws: hostile or
 * out-of-spec input yields `{ ok: false, reason }`. Property order is kept
 * (as JavaScript orders object keys). Invalid defaults are dropped, not fatal.
 */
export function buildFormModel(requestedSchema: unknown): BuildFormResult {
  try {
    return { ok: true, form: { fields: readSchema(requestedSchema) } };
  } catch (e) {
    if (e instanceof SchemaRefusal) return { ok: false, reason: e.message };
    return { ok: false, reason: 'The requested form could not be read' };
  }
}

function readSchema(schema: unknown): Field[] {
  if (!isRecord(schema)) throw new SchemaRefusal('requestedSchema must be a JSON object');
  if (own(schema, 'type') !== 'object') throw new SchemaRefusal('requestedSchema.type must be "object"');
  const properties = own(schema, 'properties');
  if (!isRecord(properties)) throw new SchemaRefusal('requestedSchema.properties must be a JSON object');
  const names = Object.keys(properties);
  if (names.length > FORM_LIMITS.maxProperties) {
    throw new SchemaRefusal(`The form has ${names.length} properties; at most ${FORM_LIMITS.maxProperties} are allowed`);
  }
  const required = readRequired(own(schema, 'required'), properties);
  return names.map((name) => readProperty(name, own(properties, name), required.has(name)));
}

function readRequired(value: unknown, properties: Raw): Set<string> {
  if (value === undefined) return new Set();
  if (!Array.isArray(value)) throw new SchemaRefusal('requestedSchema.required must be an array of property names');
  const names = new Set<string>();
  for (const item of value) {
    if (typeof item !== 'string') throw new SchemaRefusal('requestedSchema.required must contain only strings');
    if (!Object.hasOwn(properties, item)) {
      throw new SchemaRefusal(`requestedSchema.required names ${quote(item)}, which is not a property`);
    }
    names.add(item);
  }
  return names;
}

function readProperty(name: string, prop: unknown, required: boolean): Field {
  checkName(name);
  const at = `Property ${quote(name)}`;
  if (!isRecord(prop)) throw new SchemaRefusal(`${at} must be a schema object`);
  const base = readBase(name, prop, required, at);
  const field = readByType(prop, base, at);
  return withDefault(field, prop);
}

function checkName(name: string): void {
  if (name.length === 0) throw new SchemaRefusal('A property has an empty name');
  if (name.length > FORM_LIMITS.maxNameLength) {
    throw new SchemaRefusal(`Property ${quote(name)} has a name longer than ${FORM_LIMITS.maxNameLength} characters`);
  }
  // Would become the prototype setter wherever a consumer assigns content[name].
  if (name === '__proto__') throw new SchemaRefusal('Property "__proto__" is not allowed');
}

function readBase(name: string, prop: Raw, required: boolean, at: string): Base {
  const title = optionalString(prop, 'title', FORM_LIMITS.maxTitleLength, at);
  const description = optionalString(prop, 'description', FORM_LIMITS.maxDescriptionLength, at);
  const label = title !== undefined && title.trim() !== '' ? title : name;
  return description === undefined ? { name, label, required } : { name, label, description, required };
}

function optionalString(prop: Raw, key: string, max: number, at: string): string | undefined {
  const value = own(prop, key);
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new SchemaRefusal(`${at}: ${key} must be a string`);
  if (value.length > max) throw new SchemaRefusal(`${at}: ${key} is longer than ${max} characters`);
  return value;
}

function readByType(prop: Raw, base: Base, at: string): Field {
  const type = own(prop, 'type');
  const hasChoices = own(prop, 'enum') !== undefined || own(prop, 'oneOf') !== undefined;
  if (hasChoices && type !== 'string') throw new SchemaRefusal(`${at}: enum and oneOf are only allowed on string properties`);
  switch (type) {
    case 'string':
      return hasChoices ? readSelect(prop, base, at) : readText(prop, base, at);
    case 'number':
    case 'integer':
      return readNumber(prop, base, at, type === 'integer');
    case 'boolean':
      return { ...base, kind: 'boolean' } satisfies BooleanField;
    case 'array':
      return readMultiSelect(prop, base, at);
    case 'object':
      throw new SchemaRefusal(`${at} is a nested object, which forms do not support`);
    case undefined:
      throw new SchemaRefusal(`${at} has no type`);
    default:
      throw new SchemaRefusal(`${at} has unsupported type ${describeType(type)}`);
  }
}

function describeType(type: unknown): string {
  return typeof type === 'string' ? quote(type) : `(${Array.isArray(type) ? 'array' : typeof type})`;
}

function readText(prop: Raw, base: Base, at: string): TextField {
  const format = readFormat(own(prop, 'format'), at);
  const minLength = readCount(prop, 'minLength', at);
  const maxLength = readCount(prop, 'maxLength', at);
  checkOrder(minLength, maxLength, 'minLength', 'maxLength', at);
  return { ...base, kind: 'text', format, ...defined({ minLength, maxLength }) };
}

function readFormat(value: unknown, at: string): TextFormat {
  if (value === undefined) return 'plain';
  const known = FORMATS.find((f) => f === value);
  if (known === undefined) {
    throw new SchemaRefusal(`${at} has unsupported format ${describeType(value)} (allowed: ${FORMATS.join(', ')})`);
  }
  return known;
}

function readNumber(prop: Raw, base: Base, at: string, integer: boolean): NumberField {
  const minimum = readFinite(prop, 'minimum', at);
  const maximum = readFinite(prop, 'maximum', at);
  checkOrder(minimum, maximum, 'minimum', 'maximum', at);
  if (integer && minimum !== undefined && maximum !== undefined && Math.ceil(minimum) > Math.floor(maximum)) {
    throw new SchemaRefusal(`${at}: no whole number lies between minimum and maximum`);
  }
  return { ...base, kind: 'number', integer, ...defined({ minimum, maximum }) };
}

function readSelect(prop: Raw, base: Base, at: string): SelectField {
  return { ...base, kind: 'select', options: readOptions(prop, 'oneOf', at) };
}

function readMultiSelect(prop: Raw, base: Base, at: string): MultiSelectField {
  const items = own(prop, 'items');
  if (!isRecord(items)) throw new SchemaRefusal(`${at}: an array needs "items" describing string options`);
  const itemType = own(items, 'type');
  if (itemType !== undefined && itemType !== 'string') {
    throw new SchemaRefusal(`${at}: array items must be strings chosen from an enum or anyOf`);
  }
  if (own(items, 'enum') === undefined && own(items, 'anyOf') === undefined) {
    throw new SchemaRefusal(`${at}: array items must be strings chosen from an enum or anyOf`);
  }
  const options = readOptions(items, 'anyOf', `${at} items`);
  const minItems = readCount(prop, 'minItems', at);
  const maxItems = readCount(prop, 'maxItems', at);
  checkOrder(minItems, maxItems, 'minItems', 'maxItems', at);
  if (minItems !== undefined && minItems > options.length) {
    throw new SchemaRefusal(`${at}: minItems (${minItems}) is more than the ${options.length} options offered`);
  }
  return { ...base, kind: 'multiselect', options, ...defined({ minItems, maxItems }) };
}

function readFinite(prop: Raw, key: string, at: string): number | undefined {
  const value = own(prop, key);
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new SchemaRefusal(`${at}: ${key} must be a finite number`);
  return value;
}

function readCount(prop: Raw, key: string, at: string): number | undefined {
  const value = readFinite(prop, key, at);
  if (value !== undefined && (!Number.isSafeInteger(value) || value < 0)) {
    throw new SchemaRefusal(`${at}: ${key} must be a whole number of at least 0`);
  }
  return value;
}

function checkOrder(low: number | undefined, high: number | undefined, lowKey: string, highKey: string, at: string): void {
  if (low !== undefined && high !== undefined && low > high) {
    throw new SchemaRefusal(`${at}: ${lowKey} (${low}) is greater than ${highKey} (${high})`);
  }
}

/** Copies only the keys whose value is defined, so models compare cleanly. */
function defined<T extends Record<string, number | undefined>>(values: T): Partial<Record<keyof T, number>> {
  const out: Partial<Record<keyof T, number>> = {};
  for (const key of Object.keys(values) as (keyof T)[]) {
    const value = values[key];
    if (value !== undefined) out[key] = value;
  }
  return out;
}

const DEFAULT_TYPE: Record<Field['kind'], (v: unknown) => boolean> = {
  text: (v) => typeof v === 'string',
  select: (v) => typeof v === 'string',
  number: (v) => typeof v === 'number',
  boolean: (v) => typeof v === 'boolean',
  multiselect: (v) => Array.isArray(v),
};

/** Keeps `default` only if it has the schema's JSON type and passes the field's own checks. */
function withDefault(field: Field, prop: Raw): Field {
  const value = own(prop, 'default');
  if (value === undefined || !DEFAULT_TYPE[field.kind](value)) return field;
  const checked = validateField({ ...field, required: false }, value);
  if (!checked.ok || checked.value === undefined) return field;
  // validateField returns the JSON type of the field's own kind, so this pairing is sound.
  return { ...field, default: checked.value } as Field;
}
