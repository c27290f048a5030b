import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { checkElicitationParams } from '../../src/host/elicitation/params';
import { isUrlElicitationRequired, requiredElicitations } from '../../src/host/elicitation/urlRequired';
import { ACTION_LIMITS, parseElicitationAction } from '../../src/shared/elicitationProtocol';
import { parseToolArgsMessage, toolArgumentsForm } from '../../src/shared/toolArgsProtocol';
import { localToRfc3339, rfc3339ToLocal } from '../../src/webview/elicitation/dateTime';
import { isDateTime } from '../../src/shared/elicitation';
import { UrlElicitationRequiredError, ProtocolError } from '@modelcontextprotocol/client';

describe('parseElicitationAction (webview messages are untrusted)', () => {
  test('accepts the five action shapes', () => {
    for (const type of ['decline', 'cancel', 'openUrl', 'dismiss'] as const) assert.deepEqual(parseElicitationAction({ type, extra: 1 }), { type });
    const parsed = parseElicitationAction({ type: 'accept', values: { a: 'x', b: 2, c: true, d: ['p', 'q'], e: null } });
    assert.deepEqual({ ...(parsed as { values: object }).values }, { a: 'x', b: 2, c: true, d: ['p', 'q'], e: null });
  });

  test('rejects anything else', () => {
    const bad: unknown[] = [
      null,
      'accept',
      [],
      { type: 'submit' },
      { type: 'accept' },
      { type: 'accept', values: [] },
      { type: 'accept', values: { a: { nested: 1 } } },
      { type: 'accept', values: { a: [1, 2] } },
      { type: 'accept', values: { a: Number.NaN } },
      { type: 'accept', values: { a: Infinity } },
      { type: 'accept', values: { '': 'x' } },
      { type: 'accept', values: { a: 'x'.repeat(ACTION_LIMITS.maxStringLength + 1) } },
      { type: 'accept', values: { a: Array.from({ length: ACTION_LIMITS.maxArrayItems + 1 }, () => 'x') } },
      { type: 'accept', values: Object.fromEntries(Array.from({ length: ACTION_LIMITS.maxFields + 1 }, (_, i) => [`k${i}`, 'v'])) },
      { type: 'accept', values: new Date() },
    ];
    for (const raw of bad) assert.equal(parseElicitationAction(raw), undefined, JSON.stringify(raw)?.slice(0, 80));
  });

  test('a "__proto__" key stays data and does not touch prototypes', () => {
    const parsed = parseElicitationAction(JSON.parse('{"type":"accept","values":{"__proto__":"x","a":"b"}}'));
    assert.ok(parsed?.type === 'accept');
    assert.equal(Object.getPrototypeOf(parsed.values), null);
    assert.equal(Object.hasOwn(parsed.values, '__proto__'), true);
    assert.equal(({} as Record<string, unknown>).x, undefined);
  });

  test('tool argument messages: submit with values, cancel, json', () => {
    assert.deepEqual(parseToolArgsMessage({ type: 'toolArgsAction', action: { type: 'cancel' } }), { type: 'toolArgsAction', action: { type: 'cancel' } });
    assert.deepEqual(parseToolArgsMessage({ type: 'toolArgsAction', action: { type: 'json' } })?.action, { type: 'json' });
    const submit = parseToolArgsMessage({ type: 'toolArgsAction', action: { type: 'submit', values: { text: 'hi' } } });
    assert.equal(submit?.action.type === 'submit' && submit.action.values.text, 'hi');
    assert.equal(parseToolArgsMessage({ type: 'toolArgsAction', action: { type: 'submit', values: { a: {} } } }), undefined);
    assert.equal(parseToolArgsMessage({ type: 'ready' }), undefined);
  });
});

describe('checkElicitationParams', () => {
  test('missing mode means form; the message is kept as text', () => {
    const r = checkElicitationParams({ message: '<img src=x onerror=alert(1)>', requestedSchema: { type: 'object', properties: { a: { type: 'string' } } } });
    assert.equal(r.kind, 'form');
    assert.equal(r.kind === 'form' && r.message, '<img src=x onerror=alert(1)>');
  });

  test('requests the SDK schema rejects are refused too, naming the property', () => {
    const r = checkElicitationParams({ message: 'x', requestedSchema: { type: 'object', properties: { flag: { type: 'boolean', default: 'yes' } } } });
    assert.deepEqual(r.kind === 'refused' && r.reason, 'Property "flag" does not follow the MCP elicitation schema');
  });

  test('URL mode needs an id and an http(s) URL', () => {
    assert.equal(checkElicitationParams({ mode: 'url', message: 'x', url: 'https://a.example/' }).kind, 'refused');
    assert.equal(checkElicitationParams({ mode: 'url', message: 'x', elicitationId: 'i', url: 'data:text/html,hi' }).kind, 'refused');
    const ok = checkElicitationParams({ mode: 'url', message: 'x', elicitationId: 'i', url: 'https://a.example/p?q=1' });
    assert.equal(ok.kind === 'url' && ok.url.url, 'https://a.example/p?q=1');
  });

  test('very long messages are cut for display', () => {
    const r = checkElicitationParams({ message: 'm'.repeat(20_000), requestedSchema: { type: 'object', properties: {} } });
    assert.ok(r.kind === 'form' && r.message.length < 10_100 && r.message.endsWith('characters)'));
  });
});

describe('error -32042 (URL elicitation required)', () => {
  test('recognises the SDK error and plain errors with the code and data', () => {
    const list = [{ mode: 'url', message: 'Sign in', elicitationId: 'a', url: 'https://x.example/' }];
    assert.deepEqual(requiredElicitations(new UrlElicitationRequiredError(list as never)), list);
    assert.equal(isUrlElicitationRequired(new ProtocolError(-32042, 'x', { elicitations: list })), true);
    assert.equal(isUrlElicitationRequired(new ProtocolError(-32042, 'x', {})), false);
    assert.equal(isUrlElicitationRequired(new ProtocolError(-32602, 'x', { elicitations: list })), false);
    assert.equal(isUrlElicitationRequired(new Error('boom')), false);
    assert.equal(requiredElicitations({ code: -32042, data: { elicitations: Array.from({ length: 20 }, () => list[0]) } })?.length, 5);
  });
});

describe('datetime-local ⇄ RFC 3339', () => {
  test('a local wall time becomes an RFC 3339 date-time with the local offset', () => {
    const value = localToRfc3339('2025-01-31T14:30');
    assert.ok(isDateTime(value), value);
    assert.ok(value.startsWith('2025-01-31T14:30:00'));
    assert.equal(new Date(value).getTime(), new Date(2025, 0, 31, 14, 30, 0).getTime());
    assert.ok(localToRfc3339('2025-01-31T14:30:15').startsWith('2025-01-31T14:30:15'));
  });

  test('partial or empty input gives an empty string', () => {
    assert.equal(localToRfc3339(''), '');
    assert.equal(localToRfc3339('2025-01-31'), '');
  });

  test('a default with an offset is shown in local time and round-trips to the same instant', () => {
    const local = rfc3339ToLocal('2025-06-01T12:00:00Z');
    assert.match(local, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
    assert.equal(new Date(localToRfc3339(local)).getTime(), Date.parse('2025-06-01T12:00:00Z'));
    assert.equal(rfc3339ToLocal('not a date'), '');
  });
});

describe('toolArgumentsForm', () => {
  test('a flat inputSchema becomes a form; extra keywords are ignored', () => {
    const form = toolArgumentsForm({ type: 'object', properties: { text: { type: 'string' }, n: { type: 'integer', minimum: 0 } }, required: ['text'], additionalProperties: false } as never);
    assert.deepEqual(form?.fields.map((f) => [f.name, f.kind, f.required]), [['text', 'text', true], ['n', 'number', false]]);
  });

  test('nested or free-form schemas fall back to JSON', () => {
    assert.equal(toolArgumentsForm({ type: 'object', properties: { o: { type: 'object' } } }), undefined);
    assert.equal(toolArgumentsForm({ type: 'object', properties: { list: { type: 'array', items: { type: 'string' } } } }), undefined);
    assert.equal(toolArgumentsForm({ type: 'object', properties: { v: { anyOf: [{ type: 'string' }, { type: 'null' }] } } }), undefined);
  });

  test('no properties gives an empty form', () => {
    assert.deepEqual(toolArgumentsForm({ type: 'object' })?.fields, []);
    assert.deepEqual(toolArgumentsForm(undefined)?.fields, []);
  });
});
