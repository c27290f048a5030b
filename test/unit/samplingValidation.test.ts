import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SAMPLING_LIMITS } from '../../src/host/sampling/requestSchema';
import { validateSamplingRequest, formatPath, type SamplingCaps } from '../../src/host/sampling/validation';

const ALL: SamplingCaps = { tools: true, context: true };
const NONE: SamplingCaps = { tools: false, context: false };

const text = (t: string) => ({ type: 'text', text: t });
const use = (id: string, name = 'search') => ({ type: 'tool_use', id, name, input: { q: id } });
const result = (toolUseId: string) => ({ type: 'tool_result', toolUseId, content: [text(`result ${toolUseId}`)] });
const user = (...content: unknown[]) => ({ role: 'user', content });
const assistant = (...content: unknown[]) => ({ role: 'assistant', content });

function params(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { messages: [user(text('hello'))], maxTokens: 100, ...extra };
}

function errorOf(p: unknown, caps: SamplingCaps = ALL): string {
  const r = validateSamplingRequest(p, caps);
  assert.equal(r.ok, false, 'expected the request to be rejected');
  if (r.ok) throw new Error('unreachable');
  assert.equal(r.code, -32602);
  return r.message;
}

function accept(p: unknown, caps: SamplingCaps = ALL) {
  const r = validateSamplingRequest(p, caps);
  if (!r.ok) assert.fail(`expected acceptance, got: ${r.message}`);
  return r.request;
}

describe('validateSamplingRequest: shape', () => {
  it('accepts a minimal request and normalizes a single content block to an array', () => {
    const req = accept({ messages: [{ role: 'user', content: text('hi') }], maxTokens: 10 }, NONE);
    assert.deepEqual(req.messages[0].content, [{ type: 'text', text: 'hi' }]);
  });

  it('strips unknown top-level and block fields', () => {
    const req = accept({ ...params(), extra: 1, messages: [user({ type: 'text', text: 'x', evil: true })] });
    assert.equal('extra' in req, false);
    assert.equal('evil' in req.messages[0].content[0], false);
  });

  it('rejects non-object params', () => {
    assert.match(errorOf(7), /^Invalid sampling request: params: /);
  });

  it('rejects an empty messages array', () => {
    assert.match(errorOf(params({ messages: [] })), /messages: must contain at least one message/);
  });

  it('rejects more messages than the limit', () => {
    const messages = Array.from({ length: SAMPLING_LIMITS.maxMessages + 1 }, () => user(text('x')));
    assert.match(errorOf(params({ messages })), /messages: must contain at most 1000 messages/);
  });

  it('rejects an unknown role with the message index', () => {
    assert.match(errorOf(params({ messages: [{ role: 'system', content: text('x') }] })), /messages\[0\]\.role: must be 'user' or 'assistant'/);
  });

  it('rejects a message with an empty content array', () => {
    assert.match(errorOf(params({ messages: [user()] })), /messages\[0\]\.content: must contain at least one content block/);
  });

  it('rejects a missing content field', () => {
    assert.match(errorOf(params({ messages: [{ role: 'user' }] })), /messages\[0\]\.content: /);
  });

  it('rejects an unknown content block type naming the path', () => {
    assert.match(errorOf(params({ messages: [user(text('a'), { type: 'video', data: 'x' })] })), /messages\[0\]\.content\[1\]\.type: /);
  });

  it('accepts an image with base64 data and an image/* MIME type', () => {
    accept(params({ messages: [user({ type: 'image', data: 'aGVsbG8=', mimeType: 'image/png' })] }));
  });

  it('rejects an image whose data is not base64', () => {
    const msg = errorOf(params({ messages: [user({ type: 'image', data: 'not base64!', mimeType: 'image/png' })] }));
    assert.match(msg, /messages\[0\]\.content\[0\]\.data: must be base64-encoded/);
  });

  it('rejects base64 data whose length is not a multiple of 4', () => {
    assert.match(errorOf(params({ messages: [user({ type: 'image', data: 'aGVsbG8', mimeType: 'image/png' })] })), /must be base64-encoded/);
  });

  it('rejects an image with empty data', () => {
    assert.match(errorOf(params({ messages: [user({ type: 'image', data: '', mimeType: 'image/png' })] })), /data: must not be empty/);
  });

  it('rejects an image with a non-image MIME type', () => {
    const msg = errorOf(params({ messages: [user({ type: 'image', data: 'aGVsbG8=', mimeType: 'text/html' })] }));
    assert.match(msg, /messages\[0\]\.content\[0\]\.mimeType: must be an image\/\* MIME type/);
  });

  it('accepts audio with an audio/* MIME type and rejects other MIME types', () => {
    accept(params({ messages: [user({ type: 'audio', data: 'AAAA', mimeType: 'audio/wav' })] }));
    assert.match(errorOf(params({ messages: [user({ type: 'audio', data: 'AAAA', mimeType: 'image/png' })] })), /must be an audio\/\* MIME type/);
  });

  it('reports how many further problems there are', () => {
    assert.match(errorOf({ messages: [], maxTokens: -1 }), /\(and 1 more problem\)$/);
  });
});

describe('validateSamplingRequest: scalar fields', () => {
  for (const bad of [0, -5, 1.5, '100', Number.NaN, Number.POSITIVE_INFINITY]) {
    it(`rejects maxTokens ${String(bad)}`, () => {
      assert.match(errorOf(params({ maxTokens: bad })), /maxTokens: must be a positive integer/);
    });
  }

  it('rejects a missing maxTokens', () => {
    assert.match(errorOf({ messages: [user(text('x'))] }), /maxTokens: must be a positive integer/);
  });

  it('accepts a very large maxTokens (the budget caps it, not validation)', () => {
    assert.equal(accept(params({ maxTokens: 1_000_000 })).maxTokens, 1_000_000);
  });

  it('rejects a non-finite temperature', () => {
    assert.match(errorOf(params({ temperature: Number.POSITIVE_INFINITY })), /temperature: must be a finite number/);
    assert.match(errorOf(params({ temperature: Number.NaN })), /temperature: must be a finite number/);
  });

  it('rejects a negative temperature and accepts 0', () => {
    assert.match(errorOf(params({ temperature: -0.1 })), /temperature: must not be negative/);
    assert.equal(accept(params({ temperature: 0 })).temperature, 0);
  });

  it('rejects stop sequences that are not strings, empty, too many or too long', () => {
    assert.match(errorOf(params({ stopSequences: ['ok', 3] })), /stopSequences\[1\]: /);
    assert.match(errorOf(params({ stopSequences: [''] })), /stopSequences\[0\]: must not be empty/);
    const many = Array.from({ length: SAMPLING_LIMITS.maxStopSequences + 1 }, (_, i) => `s${i}`);
    assert.match(errorOf(params({ stopSequences: many })), /stopSequences: must contain at most 16 entries/);
    assert.match(errorOf(params({ stopSequences: ['x'.repeat(257)] })), /stopSequences\[0\]: must be at most 256 characters/);
  });

  it('rejects model preference priorities outside [0, 1]', () => {
    assert.match(errorOf(params({ modelPreferences: { costPriority: 1.2 } })), /modelPreferences\.costPriority: must be between 0 and 1/);
    assert.match(errorOf(params({ modelPreferences: { speedPriority: -0.1 } })), /modelPreferences\.speedPriority: must be between 0 and 1/);
    assert.match(errorOf(params({ modelPreferences: { intelligencePriority: 2 } })), /intelligencePriority/);
  });

  it('accepts hints and priorities at the bounds', () => {
    const req = accept(params({ modelPreferences: { hints: [{ name: 'claude' }, {}], costPriority: 0, intelligencePriority: 1 } }));
    assert.deepEqual(req.modelPreferences?.hints, [{ name: 'claude' }, {}]);
  });

  it('rejects an unknown includeContext value', () => {
    assert.match(errorOf(params({ includeContext: 'everything' })), /includeContext: must be 'none', 'thisServer' or 'allServers'/);
  });

  it('accepts JSON metadata and rejects a non-object metadata', () => {
    accept(params({ metadata: { a: [1, 'x', null, { b: true }] } }));
    assert.match(errorOf(params({ metadata: 'x' })), /metadata: /);
  });
});

describe('validateSamplingRequest: capabilities', () => {
  it("accepts includeContext 'none' without the context capability", () => {
    accept(params({ includeContext: 'none' }), NONE);
  });

  for (const ctx of ['thisServer', 'allServers']) {
    it(`rejects includeContext '${ctx}' without the context capability and accepts it with it`, () => {
      assert.match(errorOf(params({ includeContext: ctx }), NONE), new RegExp(`includeContext: '${ctx}' requires the sampling.context capability`));
      accept(params({ includeContext: ctx }), { tools: false, context: true });
    });
  }

  it('rejects tools without the tools capability', () => {
    const tools = [{ name: 'search', inputSchema: { type: 'object' } }];
    assert.match(errorOf(params({ tools }), NONE), /^Invalid sampling request: tools: requires the sampling.tools capability/);
  });

  it('rejects toolChoice without the tools capability', () => {
    assert.match(errorOf(params({ toolChoice: { mode: 'auto' } }), NONE), /toolChoice: requires the sampling.tools capability/);
  });

  it('rejects tool_use and tool_result blocks without the tools capability', () => {
    const messages = [user(text('q')), assistant(text('calling'), use('a')), user(result('a'))];
    assert.match(errorOf(params({ messages }), NONE), /messages\[1\]\.content\[1\]: tool_use blocks require the sampling.tools capability/);
  });

  it('keeps tool definitions, including extra fields such as annotations', () => {
    const tools = [{ name: 'search', description: 'd', inputSchema: { type: 'object', properties: { q: { type: 'string' } } }, annotations: { readOnlyHint: true } }];
    const req = accept(params({ tools, toolChoice: { mode: 'required' } }));
    assert.deepEqual(req.tools, tools);
  });

  it("rejects a tool whose inputSchema type is not 'object'", () => {
    assert.match(errorOf(params({ tools: [{ name: 't', inputSchema: { type: 'string' } }] })), /tools\[0\]\.inputSchema\.type: must be 'object'/);
  });

  it('rejects duplicate tool names', () => {
    const tools = [{ name: 't', inputSchema: { type: 'object' } }, { name: 't', inputSchema: { type: 'object' } }];
    assert.match(errorOf(params({ tools })), /tools\[1\]\.name: duplicate tool name 't'/);
  });

  it("rejects toolChoice 'required' without tools", () => {
    assert.match(errorOf(params({ toolChoice: { mode: 'required' } })), /toolChoice.mode: 'required' needs at least one tool/);
  });

  it('rejects an unknown toolChoice mode', () => {
    assert.match(errorOf(params({ toolChoice: { mode: 'always' } })), /toolChoice\.mode: /);
  });
});

describe('validateSamplingRequest: tool-use balance', () => {
  it('accepts a complete tool loop with parallel calls answered in any order', () => {
    const messages = [user(text('q')), assistant(text('two calls'), use('a'), use('b')), user(result('b'), result('a')), assistant(text('done')), user(text('thanks'))];
    assert.equal(accept(params({ messages })).messages.length, 5);
  });

  it('accepts a tool_result carrying isError, structuredContent and resource blocks', () => {
    const res = {
      type: 'tool_result',
      toolUseId: 'a',
      isError: true,
      structuredContent: { x: 1 },
      content: [text('t'), { type: 'resource_link', uri: 'file:///a', name: 'a' }, { type: 'resource', resource: { uri: 'file:///b', text: 'b' } }],
    };
    accept(params({ messages: [user(text('q')), assistant(use('a')), user(res)] }));
  });

  it('rejects a user message mixing tool_result with other content', () => {
    const messages = [user(text('q')), assistant(use('a')), user(result('a'), text('and also'))];
    assert.match(errorOf(params({ messages })), /messages\[2\]: a user message with tool_result blocks must contain only tool_result blocks \(content\[1\] is text\)/);
  });

  it('rejects a tool_use that is followed by a plain user message', () => {
    const messages = [user(text('q')), assistant(use('a')), user(text('ignore that'))];
    assert.match(errorOf(params({ messages })), /messages\[2\]: expected tool_result for toolUseId 'a' \(from messages\[1\]\) before any other content/);
  });

  it('rejects a tool_use that is followed by another assistant message', () => {
    const messages = [user(text('q')), assistant(use('a')), assistant(text('hm'))];
    assert.match(errorOf(params({ messages })), /messages\[2\]: expected a user message with tool_result for toolUseId 'a'/);
  });

  it('rejects a tool_use in the last message that is never answered', () => {
    const messages = [user(text('q')), assistant(use('a'))];
    assert.match(errorOf(params({ messages })), /messages\[1\]: tool_use 'a' is not answered/);
  });

  it('rejects a partial answer to parallel tool calls', () => {
    const messages = [user(text('q')), assistant(use('a'), use('b')), user(result('a'))];
    assert.match(errorOf(params({ messages })), /messages\[2\]: missing tool_result for toolUseId 'b' \(from messages\[1\]\)/);
  });

  it('rejects a tool_result for an unknown toolUseId', () => {
    const messages = [user(text('q')), assistant(use('a')), user(result('x'))];
    assert.match(errorOf(params({ messages })), /messages\[2\]: tool_result for unknown toolUseId 'x'/);
  });

  it('rejects a tool_result with no preceding tool_use at all', () => {
    assert.match(errorOf(params({ messages: [user(result('x'))] })), /messages\[0\]: tool_result for unknown toolUseId 'x'/);
  });

  it('rejects a tool_result that answers an older assistant message', () => {
    const messages = [user(text('q')), assistant(use('a')), user(result('a')), assistant(text('ok')), user(result('a'))];
    assert.match(errorOf(params({ messages })), /messages\[4\]: tool_result for toolUseId 'a' does not answer the immediately preceding message \(the tool_use is in messages\[1\]\)/);
  });

  it('rejects two tool_results for the same id in one message', () => {
    const messages = [user(text('q')), assistant(use('a')), user(result('a'), result('a'))];
    assert.match(errorOf(params({ messages })), /messages\[2\]: duplicate tool_result for toolUseId 'a'/);
  });

  it('rejects duplicate tool_use ids within one message', () => {
    const messages = [user(text('q')), assistant(use('a'), use('a'))];
    assert.match(errorOf(params({ messages })), /messages\[1\]: duplicate tool_use id 'a' \(already used in messages\[1\]\)/);
  });

  it('rejects a tool_use id reused in a later assistant message', () => {
    const messages = [user(text('q')), assistant(use('a')), user(result('a')), assistant(use('a')), user(result('a'))];
    assert.match(errorOf(params({ messages })), /messages\[3\]: duplicate tool_use id 'a' \(already used in messages\[1\]\)/);
  });

  it('rejects tool_use in a user message', () => {
    assert.match(errorOf(params({ messages: [user(use('a'))] })), /messages\[0\]: tool_use blocks are only allowed in assistant messages/);
  });

  it('rejects tool_result in an assistant message', () => {
    const messages = [user(text('q')), assistant(use('a')), user(result('a')), assistant(result('a'))];
    assert.match(errorOf(params({ messages })), /messages\[3\]: tool_result blocks are only allowed in user messages/);
  });

  it('rejects a tool_use without an id or name', () => {
    assert.match(errorOf(params({ messages: [user(text('q')), assistant({ type: 'tool_use', id: '', name: 'x', input: {} })] })), /messages\[1\]\.content\[0\]\.id: must not be empty/);
    assert.match(errorOf(params({ messages: [user(text('q')), assistant({ type: 'tool_use', id: 'a', input: {} })] })), /messages\[1\]\.content\[0\]\.name: /);
  });
});

describe('formatPath', () => {
  it('renders indices in brackets and keys with dots', () => {
    assert.equal(formatPath(['messages', 2, 'content', 0, 'mimeType']), 'messages[2].content[0].mimeType');
    assert.equal(formatPath([]), 'params');
  });
});
