/** Small helpers for reading untrusted JSON safely. Internal to this folder. */

/** A plain JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `obj[key]` only if it is an own property, so `constructor`, `toString`… never leak in. */
export function own(obj: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(obj, key) ? obj[key] : undefined;
}

/** Sets an own enumerable property even for names like `__proto__`. */
export function setOwn<T>(obj: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/** A server string shown inside a message: truncated, quoted, control characters escaped. */
export function quote(text: string, max = 60): string {
  // 2*max+1 UTF-16 units hold more than `max` code points unless the text is shorter.
  const chars = Array.from(text.slice(0, max * 2 + 1));
  return JSON.stringify(chars.length > max ? `${chars.slice(0, max).join('')}…` : text);
}

/** Thrown inside the schema reader; `buildFormModel` turns it into `{ ok: false, reason }`. */
export class SchemaRefusal extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'SchemaRefusal';
  }
}
