import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import {
  buildFormModel,
  initialValues,
  isAbsoluteUri,
  isDate,
  isDateTime,
  isEmail,
  validateField,
  validateForm,
  type Field,
  type FieldResult,
  type FormModel,
} from '../../src/shared/elicitation';

function form(properties: Record<string, unknown>, required: string[] = []): FormModel {
  const result = buildFormModel({ type: 'object', properties, required });
  if (!result.ok) assert.fail(result.reason);
  return result.form;
}

function field(prop: Record<string, unknown>, required = false): Field {
  return form({ f: prop }, required ? ['f'] : []).fields[0]!;
}

const accepts = (result: FieldResult, value: unknown): void => assert.deepEqual(result, { ok: true, value });
const omits = (result: FieldResult): void => assert.deepEqual(result, { ok: true });
const rejects = (result: FieldResult, error: string): void => assert.deepEqual(result, { ok: false, error });

describe('initialValues', () => {
  const f = form({
    t: { type: 'string', default: 'hi' },
    n: { type: 'number', default: 2.5 },
    b: { type: 'boolean', default: true },
    s: { type: 'string', enum: ['a', 'b'], default: 'b' },
    m: { type: 'array', items: { type: 'string', enum: ['x', 'y'] }, default: ['y'] },
    none: { type: 'string' },
  });

  test('prefills each validated default, numbers as the string an input shows', () => {
    assert.deepEqual(initialValues(f), { t: 'hi', n: '2.5', b: true, s: 'b', m: ['y'], none: undefined });
  });

  test('every field gets an own key, even without a default', () => {
    assert.ok(Object.hasOwn(initialValues(f), 'none'));
    const g = form({ constructor: { type: 'string' } });
    assert.equal(initialValues(g)['constructor'], undefined, 'must not expose Object.prototype.constructor');
  });

  test('a multiselect default is copied, so editing values cannot change the model', () => {
    const values = initialValues(f);
    (values['m'] as string[]).push('x');
    assert.deepEqual(initialValues(f)['m'], ['y']);
  });

  test('the prefilled values validate into the defaults as content', () => {
    assert.deepEqual(validateForm(f, initialValues(f)), { ok: true, content: { t: 'hi', n: 2.5, b: true, s: 'b', m: ['y'] } });
  });
});

describe('validateField: text', () => {
  test('a missing required value gives "Required"; whitespace-only counts as missing', () => {
    const req = field({ type: 'string' }, true);
    for (const raw of [undefined, null, '', '   \n']) rejects(validateField(req, raw), 'Required');
  });

  test('an empty optional value is omitted', () => {
    for (const raw of [undefined, '', '  ']) omits(validateField(field({ type: 'string' }), raw));
  });

  test('plain text is sent exactly as typed, surrounding spaces included', () => {
    accepts(validateField(field({ type: 'string' }), '  two words '), '  two words ');
  });

  test('a non-string value for a text field is rejected', () => {
    rejects(validateField(field({ type: 'string' }), 42), 'Enter text');
  });

  test('lengths count Unicode code points, not UTF-16 units', () => {
    const f = field({ type: 'string', minLength: 2, maxLength: 2 });
    accepts(validateField(f, '😀😀'), '😀😀');
    rejects(validateField(f, '😀'), 'Must be at least 2 characters');
    rejects(validateField(f, 'abc'), 'Must be at most 2 characters');
  });

  test('length messages use the singular for one character', () => {
    rejects(validateField(field({ type: 'string', maxLength: 1 }), 'ab'), 'Must be at most 1 character');
  });

  test('formatted values are trimmed before checking and sending', () => {
    accepts(validateField(field({ type: 'string', format: 'email' }), '  a@example.com '), 'a@example.com');
  });

  test('email format accepts addresses and rejects non-addresses', () => {
    const f = field({ type: 'string', format: 'email' });
    accepts(validateField(f, 'first.last+tag@sub.example.org'), 'first.last+tag@sub.example.org');
    for (const bad of ['plain', 'a@', '@b.com', 'a b@c.com', 'a@b..com', 'a@-b.com']) {
      rejects(validateField(f, bad), 'Enter a valid email address');
    }
  });

  test('uri format requires an absolute URI with a scheme', () => {
    const f = field({ type: 'string', format: 'uri' });
    for (const ok of ['https://example.com/a?b#c', 'mailto:a@example.com', 'urn:isbn:0451450523']) accepts(validateField(f, ok), ok);
    for (const bad of ['example.com', '/relative/path', '//host/x', 'http://exa mple.com', 'https://exa<mple.com', '1http://x']) {
      rejects(validateField(f, bad), 'Enter a full URI, including its scheme (like https://)');
    }
  });

  test('date format requires YYYY-MM-DD on the real calendar', () => {
    const f = field({ type: 'string', format: 'date' });
    accepts(validateField(f, '2024-02-29'), '2024-02-29');
    accepts(validateField(f, '2000-02-29'), '2000-02-29');
    for (const bad of ['2023-02-29', '1900-02-29', '2024-04-31', '2024-13-01', '2024-00-10', '2024-1-1', '24-01-01', '2024/01/01']) {
      rejects(validateField(f, bad), 'Enter a real date as YYYY-MM-DD');
    }
  });

  test('date-time format requires RFC 3339 with seconds and an offset', () => {
    const f = field({ type: 'string', format: 'date-time' });
    for (const ok of ['2025-01-31T14:30:00Z', '2025-01-31t14:30:00.123z', '2025-01-31T14:30:00+05:30', '2016-12-31T23:59:60Z']) {
      accepts(validateField(f, ok), ok);
    }
    for (const bad of ['2025-01-31T14:30', '2025-01-31T14:30:00', '2025-01-31 14:30:00Z', '2025-02-30T00:00:00Z', '2025-01-31T24:00:00Z', '2025-01-31T14:60:00Z', '2025-01-31T14:30:00+24:00']) {
      rejects(validateField(f, bad), 'Enter a date and time like 2025-01-31T14:30:00Z');
    }
  });
});

describe('format helpers', () => {
  test('isEmail rejects addresses longer than 254 characters', () => {
    assert.equal(isEmail(`${'a'.repeat(64)}@${'b'.repeat(60)}.com`), true);
    assert.equal(isEmail(`a@${'b.'.repeat(130)}com`), false);
  });

  test('isAbsoluteUri, isDate and isDateTime agree with the field messages', () => {
    assert.equal(isAbsoluteUri('vscode://file/x'), true);
    assert.equal(isDate('2024-02-29'), true);
    assert.equal(isDateTime('2024-02-29T00:00:00-00:00'), true);
  });
});

describe('validateField: number', () => {
  const int = field({ type: 'integer' });
  const num = field({ type: 'number' });

  test('an integer field coerces "3" to 3 and "3.0" to 3', () => {
    accepts(validateField(int, '3'), 3);
    accepts(validateField(int, '3.0'), 3);
    accepts(validateField(int, ' -42 '), -42);
    accepts(validateField(int, '1e3'), 1000);
  });

  test('an integer field rejects "3.5"', () => {
    rejects(validateField(int, '3.5'), 'Enter a whole number');
    rejects(validateField(int, 3.5), 'Enter a whole number');
  });

  test('an integer beyond the safe range is rejected rather than rounded', () => {
    rejects(validateField(int, '9007199254740993'), 'Number is too large');
  });

  test('a number field coerces decimal strings and accepts finite numbers', () => {
    accepts(validateField(num, '3.25'), 3.25);
    accepts(validateField(num, '.5'), 0.5);
    accepts(validateField(num, '+2.'), 2);
    accepts(validateField(num, 7), 7);
  });

  test('negative zero is sent as 0', () => {
    const result = validateField(num, '-0');
    assert.ok(result.ok && Object.is(result.value, 0));
  });

  test('non-decimal notations and non-finite values are rejected', () => {
    for (const bad of ['abc', '0x10', 'Infinity', '1e999', '1,5', '1_000', '1 000', '--1', '.', 'NaN', Number.NaN, Number.POSITIVE_INFINITY, true, ['1']]) {
      rejects(validateField(num, bad), 'Enter a number');
    }
  });

  test('empty numbers are omitted when optional and "Required" when required', () => {
    omits(validateField(num, ''));
    omits(validateField(num, '  '));
    rejects(validateField(field({ type: 'number' }, true), ''), 'Required');
  });

  test('minimum and maximum are enforced with the bound in the message', () => {
    const f = field({ type: 'number', minimum: 1.5, maximum: 10 });
    accepts(validateField(f, '1.5'), 1.5);
    accepts(validateField(f, '10'), 10);
    rejects(validateField(f, '1.4'), 'Must be at least 1.5');
    rejects(validateField(f, '10.01'), 'Must be at most 10');
  });
});

describe('validateField: boolean, select, multiselect', () => {
  test('booleans stay booleans and false is a real answer, not an omission', () => {
    const f = field({ type: 'boolean' }, true);
    accepts(validateField(f, true), true);
    accepts(validateField(f, false), false);
  });

  test('a boolean field rejects strings and reports a missing required answer', () => {
    rejects(validateField(field({ type: 'boolean' }), 'true'), 'Choose yes or no');
    rejects(validateField(field({ type: 'boolean' }, true), undefined), 'Required');
    omits(validateField(field({ type: 'boolean' }), undefined));
  });

  test('a select accepts exactly one offered value', () => {
    const f = field({ type: 'string', oneOf: [{ const: 'r', title: 'Red' }] });
    accepts(validateField(f, 'r'), 'r');
    rejects(validateField(f, 'Red'), 'Choose one of the listed options');
    rejects(validateField(f, ['r']), 'Choose one of the listed options');
    rejects(validateField(f, 'toString'), 'Choose one of the listed options');
  });

  test('an empty select is omitted when optional and "Required" when required', () => {
    omits(validateField(field({ type: 'string', enum: ['a'] }), ''));
    rejects(validateField(field({ type: 'string', enum: ['a'] }, true), undefined), 'Required');
  });

  const multi = (extra: Record<string, unknown> = {}, required = false): Field =>
    field({ type: 'array', items: { type: 'string', enum: ['a', 'b', 'c'] }, ...extra }, required);

  test('a multiselect returns offered values in option order without duplicates', () => {
    accepts(validateField(multi(), ['c', 'a', 'c']), ['a', 'c']);
  });

  test('a multiselect rejects values that were not offered and non-arrays', () => {
    rejects(validateField(multi(), ['a', 'z']), 'Choose only from the listed options');
    rejects(validateField(multi(), ['a', 1]), 'Choose only from the listed options');
    rejects(validateField(multi(), 'a'), 'Choose from the listed options');
  });

  test('minItems and maxItems are enforced with counted messages', () => {
    const f = multi({ minItems: 2, maxItems: 2 });
    rejects(validateField(f, ['a']), 'Select at least 2 options');
    rejects(validateField(f, ['a', 'b', 'c']), 'Select at most 2 options');
    rejects(validateField(multi({ maxItems: 1 }), ['a', 'b']), 'Select at most 1 option');
  });

  test('an empty selection is omitted when optional and "Required" when required', () => {
    omits(validateField(multi(), []));
    omits(validateField(multi({ minItems: 2 }), []));
    rejects(validateField(multi({}, true), []), 'Required');
  });

  test('a required multiselect with an explicit minItems of 0 accepts an empty selection', () => {
    accepts(validateField(multi({ minItems: 0 }, true), []), []);
  });
});

describe('validateForm', () => {
  const f = form(
    {
      name: { type: 'string' },
      age: { type: 'integer', minimum: 0 },
      ok: { type: 'boolean' },
      color: { type: 'string', enum: ['red', 'blue'] },
      tags: { type: 'array', items: { type: 'string', enum: ['x', 'y'] } },
      note: { type: 'string' },
    },
    ['name', 'age'],
  );

  test('content holds exactly the schema types and omits empty optional fields', () => {
    const result = validateForm(f, { name: 'Ada', age: '36', ok: false, color: 'blue', tags: ['y', 'x'], note: '' });
    assert.deepEqual(result, { ok: true, content: { name: 'Ada', age: 36, ok: false, color: 'blue', tags: ['x', 'y'] } });
    assert.ok(result.ok);
    assert.deepEqual(Object.values(result.content).map((v) => (Array.isArray(v) ? 'array' : typeof v)), ['string', 'number', 'boolean', 'string', 'array']);
  });

  test('undeclared keys in values never reach content', () => {
    const result = validateForm(f, { name: 'Ada', age: 1, admin: true, __proto__: { polluted: true } });
    assert.deepEqual(result, { ok: true, content: { name: 'Ada', age: 1 } });
  });

  test('a "__proto__" key from JSON.parse is ignored and pollutes nothing', () => {
    const values = JSON.parse('{"name":"Ada","age":"1","__proto__":{"polluted":true}}') as Record<string, unknown>;
    assert.deepEqual(validateForm(f, values), { ok: true, content: { name: 'Ada', age: 1 } });
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
  });

  test('errors are keyed by field name and reported for every failing field', () => {
    assert.deepEqual(validateForm(f, { age: '-1', color: 'green', tags: ['z'] }), {
      ok: false,
      errors: { name: 'Required', age: 'Must be at least 0', color: 'Choose one of the listed options', tags: 'Choose only from the listed options' },
    });
  });

  test('values that are not an object count as an empty form', () => {
    const expected = { ok: false, errors: { name: 'Required', age: 'Required' } };
    assert.deepEqual(validateForm(f, null as unknown as Record<string, unknown>), expected);
    assert.deepEqual(validateForm(f, ['Ada', 3] as unknown as Record<string, unknown>), expected);
  });

  test('inherited members are never read as values for fields named after them', () => {
    const g = form({ constructor: { type: 'string' }, toString: { type: 'string' } }, ['constructor']);
    assert.deepEqual(validateForm(g, {}), { ok: false, errors: { constructor: 'Required' } });
  });

  test('an already-typed content object re-validates to itself', () => {
    const content = { name: 'Ada', age: 36, ok: true, color: 'red', tags: ['x'] };
    assert.deepEqual(validateForm(f, content), { ok: true, content });
  });

  test('a form with no fields accepts with empty content', () => {
    assert.deepEqual(validateForm(form({}), { anything: 1 }), { ok: true, content: {} });
  });
});
