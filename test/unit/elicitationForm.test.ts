import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { buildFormModel, type Field, type FormModel } from '../../src/shared/elicitation';

function schema(properties: Record<string, unknown>, required?: unknown): Record<string, unknown> {
  return required === undefined ? { type: 'object', properties } : { type: 'object', properties, required };
}

function build(properties: Record<string, unknown>, required?: unknown): FormModel {
  const result = buildFormModel(schema(properties, required));
  if (!result.ok) assert.fail(`expected a form, got refusal: ${result.reason}`);
  return result.form;
}

function only(prop: unknown, required = false): Field {
  const fields = build({ f: prop }, required ? ['f'] : undefined).fields;
  assert.equal(fields.length, 1);
  return fields[0]!;
}

function refuse(input: unknown, ...fragments: (string | RegExp)[]): string {
  const result = buildFormModel(input);
  if (result.ok) assert.fail('expected a refusal');
  for (const fragment of fragments) {
    if (typeof fragment === 'string') assert.ok(result.reason.includes(fragment), `"${result.reason}" lacks "${fragment}"`);
    else assert.match(result.reason, fragment);
  }
  return result.reason;
}

const refuseProp = (prop: unknown, ...fragments: (string | RegExp)[]): string =>
  refuse(schema({ f: prop }), 'Property "f"', ...fragments);

describe('buildFormModel: field kinds', () => {
  test('a plain string becomes a text field with label, description and required flag', () => {
    const form = build({ name: { type: 'string', title: 'Your name', description: 'As on your passport' } }, ['name']);
    assert.deepEqual(form.fields, [
      { name: 'name', label: 'Your name', description: 'As on your passport', required: true, kind: 'text', format: 'plain' },
    ]);
  });

  test('label falls back to the property name when title is missing or blank', () => {
    const form = build({ a: { type: 'string' }, b: { type: 'string', title: '   ' } });
    assert.deepEqual(form.fields.map((f) => f.label), ['a', 'b']);
  });

  test('every spec string format is kept, with minLength and maxLength', () => {
    for (const format of ['email', 'uri', 'date', 'date-time'] as const) {
      assert.deepEqual(only({ type: 'string', format, minLength: 1, maxLength: 9 }), {
        name: 'f', label: 'f', required: false, kind: 'text', format, minLength: 1, maxLength: 9,
      });
    }
  });

  test('number and integer become number fields with bounds', () => {
    assert.deepEqual(only({ type: 'number', minimum: -1.5, maximum: 2 }), {
      name: 'f', label: 'f', required: false, kind: 'number', integer: false, minimum: -1.5, maximum: 2,
    });
    assert.deepEqual(only({ type: 'integer' }), { name: 'f', label: 'f', required: false, kind: 'number', integer: true });
  });

  test('boolean becomes a boolean field', () => {
    assert.deepEqual(only({ type: 'boolean', title: 'Agree?' }, true), {
      name: 'f', label: 'Agree?', required: true, kind: 'boolean',
    });
  });

  test('a string enum becomes a select whose labels are the values', () => {
    const field = only({ type: 'string', enum: ['red', 'green'] });
    assert.equal(field.kind, 'select');
    assert.deepEqual(field.kind === 'select' && field.options, [
      { value: 'red', label: 'red' },
      { value: 'green', label: 'green' },
    ]);
  });

  test('titled oneOf becomes a select with titles as labels', () => {
    const field = only({ type: 'string', oneOf: [{ const: 'r', title: 'Red' }, { const: 'g', title: 'Green' }] });
    assert.deepEqual(field.kind === 'select' && field.options, [
      { value: 'r', label: 'Red' },
      { value: 'g', label: 'Green' },
    ]);
  });

  test('oneOf entries without a title fall back to the value as label', () => {
    const field = only({ type: 'string', oneOf: [{ const: 'r' }, { const: 'g', title: '' }] });
    assert.deepEqual(field.kind === 'select' && field.options.map((o) => o.label), ['r', 'g']);
  });

  test('legacy enum + enumNames becomes a select with enumNames as labels', () => {
    const field = only({ type: 'string', enum: ['r', 'g'], enumNames: ['Red', 'Green'] });
    assert.deepEqual(field.kind === 'select' && field.options, [
      { value: 'r', label: 'Red' },
      { value: 'g', label: 'Green' },
    ]);
  });

  test('an array of string enum items becomes a multiselect with minItems and maxItems', () => {
    assert.deepEqual(only({ type: 'array', minItems: 1, maxItems: 2, items: { type: 'string', enum: ['a', 'b', 'c'] } }), {
      name: 'f', label: 'f', required: false, kind: 'multiselect', minItems: 1, maxItems: 2,
      options: [{ value: 'a', label: 'a' }, { value: 'b', label: 'b' }, { value: 'c', label: 'c' }],
    });
  });

  test('an array of titled anyOf items becomes a multiselect with titles as labels', () => {
    const field = only({ type: 'array', items: { anyOf: [{ const: 'a', title: 'Alpha' }, { const: 'b', title: 'Beta' }] } });
    assert.deepEqual(field.kind === 'multiselect' && field.options, [
      { value: 'a', label: 'Alpha' },
      { value: 'b', label: 'Beta' },
    ]);
  });

  test('property order is preserved', () => {
    const form = build({ zeta: { type: 'string' }, alpha: { type: 'boolean' }, mid: { type: 'number' } });
    assert.deepEqual(form.fields.map((f) => f.name), ['zeta', 'alpha', 'mid']);
  });

  test('an empty properties object gives a form with no fields', () => {
    assert.deepEqual(build({}), { fields: [] });
  });

  test('unknown annotation keywords are ignored rather than refused', () => {
    const result = buildFormModel({
      $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object', title: 'T', additionalProperties: false,
      properties: { f: { type: 'string', pattern: '^a', examples: ['a'], exclusiveMinimum: 3 } },
    });
    assert.ok(result.ok);
  });

  test('required may list a property twice', () => {
    assert.equal(build({ a: { type: 'string' } }, ['a', 'a']).fields[0]!.required, true);
  });

  test('names of Object.prototype members are ordinary property names', () => {
    const form = build({ constructor: { type: 'string' }, toString: { type: 'number' }, hasOwnProperty: { type: 'boolean' } });
    assert.deepEqual(form.fields.map((f) => [f.name, f.kind]), [['constructor', 'text'], ['toString', 'number'], ['hasOwnProperty', 'boolean']]);
  });
});

describe('buildFormModel: refusals of the top level', () => {
  test('a non-object schema is refused', () => {
    for (const input of [null, undefined, 'object', 42, [], [{ type: 'object' }]]) refuse(input, 'requestedSchema must be a JSON object');
  });

  test('a type other than "object" is refused', () => {
    refuse({ type: 'array', properties: {} }, 'requestedSchema.type must be "object"');
    refuse({ properties: {} }, 'requestedSchema.type must be "object"');
  });

  test('missing or array-shaped properties are refused', () => {
    refuse({ type: 'object' }, 'requestedSchema.properties must be a JSON object');
    refuse({ type: 'object', properties: [{ type: 'string' }] }, 'requestedSchema.properties must be a JSON object');
  });

  test('more than 100 properties are refused; exactly 100 are accepted', () => {
    const props = (n: number): Record<string, unknown> =>
      Object.fromEntries(Array.from({ length: n }, (_, i) => [`p${i}`, { type: 'string' }]));
    assert.equal(build(props(100)).fields.length, 100);
    refuse(schema(props(101)), 'The form has 101 properties; at most 100 are allowed');
  });

  test('required that is not an array of strings is refused', () => {
    refuse(schema({ a: { type: 'string' } }, 'a'), 'requestedSchema.required must be an array');
    refuse(schema({ a: { type: 'string' } }, [1]), 'requestedSchema.required must contain only strings');
  });

  test('required naming a missing property is refused and names it', () => {
    refuse(schema({ a: { type: 'string' } }, ['a', 'ghost']), 'requestedSchema.required names "ghost", which is not a property');
  });

  test('required naming an inherited member such as "toString" is refused', () => {
    refuse(schema({ a: { type: 'string' } }, ['toString']), '"toString", which is not a property');
  });
});

describe('buildFormModel: refusals of properties', () => {
  test('a property that is not a schema object is refused', () => {
    for (const prop of ['string', null, 3, [{ type: 'string' }]]) refuseProp(prop, 'must be a schema object');
  });

  test('an empty property name is refused', () => {
    refuse(schema({ '': { type: 'string' } }), 'A property has an empty name');
  });

  test('a property name over 200 characters is refused with a truncated name', () => {
    assert.equal(build({ ['n'.repeat(200)]: { type: 'string' } }).fields.length, 1);
    const reason = refuse(schema({ ['n'.repeat(1_000_000)]: { type: 'string' } }), 'longer than 200 characters');
    assert.ok(reason.length < 200, 'the reason must not echo the huge name');
  });

  test('a "__proto__" property (as JSON.parse produces it) is refused', () => {
    const input: unknown = JSON.parse('{"type":"object","properties":{"__proto__":{"type":"string"}}}');
    refuse(input, 'Property "__proto__" is not allowed');
    assert.equal(({} as Record<string, unknown>)['type'], undefined, 'Object.prototype must stay untouched');
  });

  test('a non-string or over-long title or description is refused', () => {
    refuseProp({ type: 'string', title: 5 }, 'title must be a string');
    refuseProp({ type: 'string', title: 't'.repeat(501) }, 'title is longer than 500 characters');
    refuseProp({ type: 'string', description: ['x'] }, 'description must be a string');
    refuseProp({ type: 'string', description: 'd'.repeat(4001) }, 'description is longer than 4000 characters');
  });

  test('a nested object is refused', () => {
    refuseProp({ type: 'object', properties: { x: { type: 'string' } } }, 'is a nested object');
  });

  test('unknown, missing and union types are refused', () => {
    refuseProp({ type: 'date' }, 'unsupported type "date"');
    refuseProp({ type: 'null' }, 'unsupported type "null"');
    refuseProp({ title: 'no type' }, 'has no type');
    refuseProp({ type: ['string', 'null'] }, 'unsupported type (array)');
    refuseProp({ anyOf: [{ type: 'string' }, { type: 'null' }] }, 'has no type');
  });

  test('unknown string formats are refused', () => {
    refuseProp({ type: 'string', format: 'time' }, 'unsupported format "time"', 'email, uri, date, date-time');
    refuseProp({ type: 'string', format: 7 }, 'unsupported format (number)');
  });

  test('bad length bounds are refused', () => {
    refuseProp({ type: 'string', minLength: 5, maxLength: 2 }, 'minLength (5) is greater than maxLength (2)');
    refuseProp({ type: 'string', minLength: -1 }, 'minLength must be a whole number of at least 0');
    refuseProp({ type: 'string', maxLength: 2.5 }, 'maxLength must be a whole number');
    refuseProp({ type: 'string', maxLength: '10' }, 'maxLength must be a finite number');
  });

  test('non-finite or non-numeric number bounds are refused', () => {
    refuseProp({ type: 'number', minimum: Number.NaN }, 'minimum must be a finite number');
    refuseProp({ type: 'number', maximum: Number.POSITIVE_INFINITY }, 'maximum must be a finite number');
    refuseProp({ type: 'number', minimum: '1' }, 'minimum must be a finite number');
  });

  test('minimum greater than maximum is refused', () => {
    refuseProp({ type: 'number', minimum: 10, maximum: 5 }, 'minimum (10) is greater than maximum (5)');
  });

  test('an integer range with no whole number in it is refused', () => {
    refuseProp({ type: 'integer', minimum: 0.2, maximum: 0.8 }, 'no whole number lies between minimum and maximum');
    assert.equal(only({ type: 'number', minimum: 0.2, maximum: 0.8 }).kind, 'number');
  });

  test('enum or oneOf on a non-string type is refused', () => {
    refuseProp({ type: 'number', enum: [1, 2] }, 'enum and oneOf are only allowed on string properties');
    refuseProp({ type: 'boolean', oneOf: [{ const: true, title: 'Yes' }] }, 'only allowed on string properties');
  });
});

describe('buildFormModel: refusals of options', () => {
  test('enum values that are not strings are refused', () => {
    refuseProp({ type: 'string', enum: ['a', 1] }, 'enum[1] must be a string, got a number');
    refuseProp({ type: 'string', enum: ['a', null] }, 'enum[1] must be a string, got null');
    refuseProp({ type: 'string', enum: [{ v: 'a' }] }, 'enum[0] must be a string, got an object');
    refuseProp({ type: 'string', enum: [['a']] }, 'enum[0] must be a string, got an array');
  });

  test('an empty or non-array enum is refused', () => {
    refuseProp({ type: 'string', enum: [] }, 'enum is empty');
    refuseProp({ type: 'string', enum: { 0: 'a' } }, 'enum must be an array');
  });

  test('duplicate and empty-string options are refused', () => {
    refuseProp({ type: 'string', enum: ['a', 'b', 'a'] }, 'option "a" appears more than once');
    refuseProp({ type: 'string', enum: ['a', ''] }, 'enum[1] is an empty string');
  });

  test('more than 500 options are refused', () => {
    const values = Array.from({ length: 501 }, (_, i) => `v${i}`);
    refuseProp({ type: 'string', enum: values }, 'enum has 501 options; at most 500 are allowed');
  });

  test('oneOf with a non-string const or a non-object entry is refused', () => {
    refuseProp({ type: 'string', oneOf: [{ const: 1, title: 'One' }] }, 'oneOf[0].const must be a string, got a number');
    refuseProp({ type: 'string', oneOf: ['a'] }, 'oneOf[0] must be an object with const and title');
    refuseProp({ type: 'string', oneOf: [{ title: 'No const' }] }, 'oneOf[0].const must be a string, got nothing');
    refuseProp({ type: 'string', oneOf: [{ const: 'a', title: 2 }] }, 'oneOf[0].title must be a string');
  });

  test('an option title over 500 characters is refused', () => {
    refuseProp({ type: 'string', oneOf: [{ const: 'a', title: 'x'.repeat(501) }] }, 'oneOf[0].title is longer than 500');
  });

  test('both enum and oneOf at once are refused as ambiguous', () => {
    refuseProp({ type: 'string', enum: ['a'], oneOf: [{ const: 'a', title: 'A' }] }, 'has both enum and oneOf');
  });

  test('enumNames that do not match enum are refused', () => {
    refuseProp({ type: 'string', enum: ['a', 'b'], enumNames: ['A'] }, 'enumNames must be an array as long as enum (2)');
    refuseProp({ type: 'string', enum: ['a'], enumNames: [1] }, 'enumNames[0] must be a string');
  });

  test('arrays whose items are not string enums are refused', () => {
    refuseProp({ type: 'array' }, 'an array needs "items"');
    refuseProp({ type: 'array', items: [{ type: 'string', enum: ['a'] }] }, 'an array needs "items"');
    refuseProp({ type: 'array', items: { type: 'number', enum: [1] } }, 'array items must be strings chosen from an enum or anyOf');
    refuseProp({ type: 'array', items: { type: 'string' } }, 'array items must be strings chosen from an enum or anyOf');
    refuseProp({ type: 'array', items: { type: 'object', properties: {} } }, 'array items must be strings');
    refuseProp({ type: 'array', items: { type: 'string', enum: [1] } }, 'items: enum[0] must be a string');
    refuseProp({ type: 'array', items: { anyOf: [{ const: 2, title: 'Two' }] } }, 'anyOf[0].const must be a string');
  });

  test('impossible item counts are refused', () => {
    const items = { type: 'string', enum: ['a', 'b'] };
    refuseProp({ type: 'array', items, minItems: 2, maxItems: 1 }, 'minItems (2) is greater than maxItems (1)');
    refuseProp({ type: 'array', items, minItems: 3 }, 'minItems (3) is more than the 2 options offered');
    refuseProp({ type: 'array', items, maxItems: -1 }, 'maxItems must be a whole number of at least 0');
  });
});

describe('buildFormModel: hostile input', () => {
  test('a throwing getter yields a refusal, not an exception', () => {
    const properties = {};
    Object.defineProperty(properties, 'boom', { enumerable: true, get: () => { throw new Error('boom'); } });
    const result = buildFormModel({ type: 'object', properties });
    assert.deepEqual(result, { ok: false, reason: 'The requested form could not be read' });
  });

  test('properties inherited through a prototype are not read as schema keywords', () => {
    const prop = Object.create({ type: 'string' }) as Record<string, unknown>;
    refuse(schema({ f: prop }), 'Property "f" has no type');
  });

  test('server strings in reasons are quoted with control characters escaped', () => {
    const reason = refuse(schema({ 'a\nb\u0000': { type: 'wat' } }));
    assert.ok(reason.includes('"a\\nb\\u0000"'), reason);
  });
});

describe('buildFormModel: defaults', () => {
  test('valid defaults are kept for every kind', () => {
    const form = build({
      t: { type: 'string', default: 'hello' },
      e: { type: 'string', format: 'email', default: 'a@example.com' },
      n: { type: 'number', default: 1.5 },
      i: { type: 'integer', minimum: 0, default: 0 },
      b: { type: 'boolean', default: false },
      s: { type: 'string', enum: ['x', 'y'], default: 'y' },
      m: { type: 'array', items: { type: 'string', enum: ['p', 'q', 'r'] }, default: ['r', 'p', 'r'] },
    });
    const defaults = Object.fromEntries(form.fields.map((f) => [f.name, f.default]));
    // The multiselect default is normalized to option order without duplicates.
    assert.deepEqual(defaults, { t: 'hello', e: 'a@example.com', n: 1.5, i: 0, b: false, s: 'y', m: ['p', 'r'] });
  });

  test('invalid defaults are dropped without refusing the form', () => {
    const form = build({
      long: { type: 'string', maxLength: 3, default: 'toolong' },
      mail: { type: 'string', format: 'email', default: 'not-an-email' },
      day: { type: 'string', format: 'date', default: '2023-02-29' },
      range: { type: 'number', maximum: 10, default: 11 },
      whole: { type: 'integer', default: 2.5 },
      wrongType: { type: 'number', default: '5' },
      flag: { type: 'boolean', default: 'true' },
      choice: { type: 'string', enum: ['a'], default: 'b' },
      many: { type: 'array', items: { type: 'string', enum: ['a', 'b'] }, maxItems: 1, default: ['a', 'b'] },
      unknown: { type: 'array', items: { type: 'string', enum: ['a'] }, default: ['z'] },
      notArray: { type: 'array', items: { type: 'string', enum: ['a'] }, default: 'a' },
    });
    for (const field of form.fields) assert.equal(field.default, undefined, `${field.name} default should be dropped`);
    assert.equal(form.fields.length, 11);
  });

  test('an empty-string default is dropped because it means "nothing entered"', () => {
    assert.equal(only({ type: 'string', default: '' }).default, undefined);
  });
});
