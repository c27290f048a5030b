/**
 * Converts between `<input type="datetime-local">` values (local wall time,
 * no offset) and RFC 3339 date-times (what MCP `format: date-time` needs).
 */

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?$/;

const pad = (n: number, width = 2) => String(Math.abs(n)).padStart(width, '0');

/**
 * A datetime-local value as RFC 3339 with the browser's UTC offset at that
 * moment (e.g. `2025-01-31T14:30:00+01:00`); `''` for an empty or partial input.
 */
export function localToRfc3339(value: string): string {
  const m = LOCAL.exec(value);
  if (!m) return '';
  const [year, month, day, hour, minute] = [m[1], m[2], m[3], m[4], m[5]].map(Number);
  const second = Number(m[6] ?? '0');
  const date = new Date(year, month - 1, day, hour, minute, second);
  if (Number.isNaN(date.getTime())) return '';
  const offset = -date.getTimezoneOffset();
  const zone = offset === 0 ? 'Z' : `${offset > 0 ? '+' : '-'}${pad(Math.trunc(offset / 60))}:${pad(offset % 60)}`;
  return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6] ?? '00'}${m[7] ?? ''}${zone}`;
}

/** An RFC 3339 date-time shown in local time for a datetime-local input; `''` if it does not parse. */
export function rfc3339ToLocal(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}/.test(value)) return '';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return '';
  const y = date.getFullYear();
  if (y < 0 || y > 9999) return '';
  return `${pad(y, 4)}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}
