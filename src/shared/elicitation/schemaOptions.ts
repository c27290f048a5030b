/**
 * Reads the options of a select or multi-select property: plain `enum`,
 * legacy `enum` + `enumNames`, titled `oneOf` (single) or `anyOf` (multi).
 */

import type { SelectOption } from './types';
import { isRecord, own, quote, SchemaRefusal } from './util';

/** Upper bounds on option lists. */
export const OPTION_LIMITS = {
  maxOptions: 500,
  maxValueLength: 1000,
  maxLabelLength: 500,
} as const;

/**
 * Options of `schema`: a select property (titled form `oneOf`) or a
 * multi-select's `items` (titled form `anyOf`). `at` prefixes refusal reasons.
 * Throws `SchemaRefusal`.
 */
export function readOptions(schema: Record<string, unknown>, titledKey: 'oneOf' | 'anyOf', at: string): SelectOption[] {
  const enumValue = own(schema, 'enum');
  const titledValue = own(schema, titledKey);
  if (enumValue !== undefined && titledValue !== undefined) {
    throw new SchemaRefusal(`${at} has both enum and ${titledKey}; use one`);
  }
  const options =
    enumValue !== undefined
      ? readEnum(enumValue, own(schema, 'enumNames'), at)
      : readTitled(titledValue, titledKey, at);
  checkUnique(options, at);
  return options;
}

function checkList(list: unknown, key: string, at: string): unknown[] {
  if (!Array.isArray(list)) throw new SchemaRefusal(`${at}: ${key} must be an array`);
  if (list.length === 0) throw new SchemaRefusal(`${at}: ${key} is empty`);
  if (list.length > OPTION_LIMITS.maxOptions) {
    throw new SchemaRefusal(`${at}: ${key} has ${list.length} options; at most ${OPTION_LIMITS.maxOptions} are allowed`);
  }
  return list;
}

function checkValue(value: unknown, what: string, at: string): string {
  if (typeof value !== 'string') throw new SchemaRefusal(`${at}: ${what} must be a string, got ${typeName(value)}`);
  if (value === '') throw new SchemaRefusal(`${at}: ${what} is an empty string`);
  if (value.length > OPTION_LIMITS.maxValueLength) {
    throw new SchemaRefusal(`${at}: ${what} is longer than ${OPTION_LIMITS.maxValueLength} characters`);
  }
  return value;
}

function checkLabel(label: unknown, value: string, what: string, at: string): string {
  if (label === undefined) return value;
  if (typeof label !== 'string') throw new SchemaRefusal(`${at}: ${what} must be a string, got ${typeName(label)}`);
  if (label.length > OPTION_LIMITS.maxLabelLength) {
    throw new SchemaRefusal(`${at}: ${what} is longer than ${OPTION_LIMITS.maxLabelLength} characters`);
  }
  return label.trim() === '' ? value : label;
}

function readEnum(list: unknown, names: unknown, at: string): SelectOption[] {
  const values = checkList(list, 'enum', at).map((v, i) => checkValue(v, `enum[${i}]`, at));
  if (names === undefined) return values.map((value) => ({ value, label: value }));
  if (!Array.isArray(names) || names.length !== values.length) {
    throw new SchemaRefusal(`${at}: enumNames must be an array as long as enum (${values.length})`);
  }
  return values.map((value, i) => ({ value, label: checkLabel(names[i], value, `enumNames[${i}]`, at) }));
}

function readTitled(list: unknown, key: string, at: string): SelectOption[] {
  return checkList(list, key, at).map((entry, i) => {
    if (!isRecord(entry)) throw new SchemaRefusal(`${at}: ${key}[${i}] must be an object with const and title`);
    const value = checkValue(own(entry, 'const'), `${key}[${i}].const`, at);
    // The spec requires a title; a missing one falls back to the value rather than refusing.
    return { value, label: checkLabel(own(entry, 'title'), value, `${key}[${i}].title`, at) };
  });
}

function checkUnique(options: readonly SelectOption[], at: string): void {
  const seen = new Set<string>();
  for (const { value } of options) {
    if (seen.has(value)) throw new SchemaRefusal(`${at}: option ${quote(value)} appears more than once`);
    seen.add(value);
  }
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
