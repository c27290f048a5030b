/**
 * Checks for the string formats the MCP elicitation spec allows
 * (`email`, `uri`, `date`, `date-time`). Pure, no DOM, no Node APIs beyond `URL`.
 */

import type { TextFormat } from './types';

/** Length in Unicode code points (what JSON Schema minLength/maxLength count). */
export function codePointLength(value: string): number {
  // String iteration is by code point, so a surrogate pair counts once.
  return Array.from(value).length;
}

// The WHATWG HTML `input type=email` grammar: pragmatic, ASCII only.
const EMAIL =
  /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;

/** A plausible e-mail address (HTML form grammar, at most 254 characters). */
export function isEmail(value: string): boolean {
  return value.length <= 254 && EMAIL.test(value);
}

// RFC 3986 scheme, then only characters a URI may contain (no spaces, controls, <>"{}|\^`).
const ABSOLUTE_URI = /^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>"{}|\\^`\u0000-\u001f\u007f]+$/;

/** An absolute URI: has a scheme and parses with WHATWG `URL`. */
export function isAbsoluteUri(value: string): boolean {
  if (!ABSOLUTE_URI.test(value)) return false;
  try {
    new URL(value);
    return true;
  } catch {
    return false;
  }
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) {
    const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
    return leap ? 29 : 28;
  }
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function isCalendarDate(y: string, m: string, d: string): boolean {
  const year = Number(y);
  const month = Number(m);
  const day = Number(d);
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** RFC 3339 `full-date` (YYYY-MM-DD) that exists on the calendar. */
export function isDate(value: string): boolean {
  const m = DATE.exec(value);
  return m !== null && isCalendarDate(m[1], m[2], m[3]);
}

const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:[Zz]|[+-](\d{2}):(\d{2}))$/;

/** RFC 3339 `date-time`: date, `T`, time with seconds, and `Z` or a numeric offset. */
export function isDateTime(value: string): boolean {
  const m = DATE_TIME.exec(value);
  if (m === null || !isCalendarDate(m[1], m[2], m[3])) return false;
  const [hour, minute, second] = [Number(m[4]), Number(m[5]), Number(m[6])];
  // Second 60 is a leap second, which RFC 3339 allows.
  if (hour > 23 || minute > 59 || second > 60) return false;
  if (m[7] !== undefined && (Number(m[7]) > 23 || Number(m[8]) > 59)) return false;
  return true;
}

/** Whether `value` satisfies `format`, or the message to show when it does not. */
export function checkFormat(format: TextFormat, value: string): string | undefined {
  switch (format) {
    case 'plain':
      return undefined;
    case 'email':
      return isEmail(value) ? undefined : 'Enter a valid email address';
    case 'uri':
      return isAbsoluteUri(value) ? undefined : 'Enter a full URI, including its scheme (like https://)';
    case 'date':
      return isDate(value) ? undefined : 'Enter a real date as YYYY-MM-DD';
    case 'date-time':
      return isDateTime(value) ? undefined : 'Enter a date and time like 2025-01-31T14:30:00Z';
  }
}
