import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { applyEdits } from '../../src/host/sampling/edits';
import { buildModelMessages, SYSTEM_PROMPT_NOTE, toLmMessages, type LmFactory } from '../../src/host/sampling/lmMessages';
import { fullTextOf, requestViews } from '../../src/host/sampling/cardBuilder';
import { runModel } from '../../src/host/sampling/modelRun';
import { buildSamplingResult, modelError, type ModelRunner } from '../../src/host/sampling/runner';
import { validateSamplingRequest, type SamplingRequest } from '../../src/host/sampling/validation';
import { parseSamplingAction } from '../../src/shared/samplingProtocol';
import { FakeRunner, gate } from './samplingFakes';

const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFElEQVR4nGP4z8DAAMIM/////w8AH+4F+7C4l8kAAAAASUVORK5CYII=';
const WAV = 'UklGRiQAAABXQVZF';

function request(params: Record<string, unknown>): SamplingRequest {
  const v = validateSamplingRequest({ maxTokens: 10, ...params }, { tools: true, context: false });
  if (!v.ok) throw new Error(v.message);
  return v.request;
}

const everyBlock = request({
  systemPrompt: 'sys',
  messages: [
    { role: 'user', content: [{ type: 'text', text: 'look' }, { type: 'image', data: PNG, mimeType: 'image/png' }, { type: 'audio', data: WAV, mimeType: 'audio/wav' }] },
    { role: 'assistant', content: [{ type: 'tool_use', id: 'u1', name: 'lookup', input: { q: 'x' } }] },
    {
      role: 'user',
      content: [
        {
          type: 'tool_result',
          toolUseId: 'u1',
          isError: true,
          content: [
            { type: 'text', text: 'oops' },
            { type: 'image', data: PNG, mimeType: 'image/png' },
            { type: 'resource_link', uri: 'file:///a', name: 'a' },
            { type: 'resource', resource: { uri: 'file:///b', text: 'B' } },
          ],
        },
      ],
    },
  ],
});

describe('MCP → model message conversion', () => {
  it('converts every block type and puts the system prompt first as a user message', () => {
    const { messages, notes } = toLmMessages(everyBlock.messages, everyBlock.systemPrompt);
    assert.deepEqual(messages[0], { role: 'user', parts: [{ type: 'text', text: 'sys' }] });
    const [text, image, audio] = messages[1].parts;
    assert.deepEqual(text, { type: 'text', text: 'look' });
    assert.ok(image.type === 'image' && image.mimeType === 'image/png' && image.data.length === Buffer.from(PNG, 'base64').length);
    assert.ok(audio.type === 'text' && /audio omitted: audio\/wav/.test(audio.text));
    assert.deepEqual(messages[2], { role: 'assistant', parts: [{ type: 'toolCall', callId: 'u1', name: 'lookup', input: { q: 'x' } }] });
    const result = messages[3].parts[0];
    assert.ok(result.type === 'toolResult' && result.callId === 'u1');
    assert.deepEqual(
      result.content.map((c) => (c.type === 'text' ? c.text : `image ${c.mimeType}`)),
      ['[the tool reported an error]', 'oops', 'image image/png', '[resource link: file:///a (a)]', '[resource file:///b]\nB'],
    );
    assert.ok(notes.includes(SYSTEM_PROMPT_NOTE));
    assert.ok(notes.some((n) => /audio/.test(n)));
  });

  it('drops an empty system prompt and uses structuredContent of an empty tool result', () => {
    const r = request({
      systemPrompt: '  ',
      messages: [
        { role: 'user', content: { type: 'text', text: 'q' } },
        { role: 'assistant', content: { type: 'tool_use', id: 'a', name: 't', input: {} } },
        { role: 'user', content: { type: 'tool_result', toolUseId: 'a', content: [], structuredContent: { n: 1 } } },
      ],
    });
    const { messages } = toLmMessages(r.messages, r.systemPrompt);
    assert.equal(messages.length, 3);
    assert.deepEqual(messages[2].parts[0], { type: 'toolResult', callId: 'a', content: [{ type: 'text', text: '{"n":1}' }] });
  });

  it('maps neutral messages through a factory (the vscode classes in the extension)', () => {
    const f: LmFactory<string, string> = {
      text: (v) => `T(${v})`,
      image: (d, m) => `I(${m},${d.length})`,
      toolCall: (id, n, i) => `C(${id},${n},${JSON.stringify(i)})`,
      toolResult: (id, c) => `R(${id},[${c.join(',')}])`,
      user: (p) => `U[${p.join(' ')}]`,
      assistant: (p) => `A[${p.join(' ')}]`,
    };
    const out = buildModelMessages(toLmMessages(everyBlock.messages, undefined).messages, f);
    assert.equal(out[1], 'A[C(u1,lookup,{"q":"x"})]');
    assert.match(out[0], /^U\[T\(look\) I\(image\/png,\d+\) T\(\[audio omitted/);
    assert.match(out[2], /^U\[R\(u1,\[T\(\[the tool reported an error\]\),T\(oops\),I\(image\/png,\d+\)/);
  });
});

describe('model → MCP result', () => {
  it('is a single text block without tool calls', () => {
    assert.deepEqual(buildSamplingResult({ text: 'hi', toolUses: [], model: 'm', stopReason: 'endTurn' }), { role: 'assistant', content: { type: 'text', text: 'hi' }, model: 'm', stopReason: 'endTurn' });
  });

  it('is tool_use blocks (after any text) with tool calls', () => {
    const r = buildSamplingResult({ text: ' ', toolUses: [{ id: 'c', name: 'n', input: { a: 1 } }], model: 'm', stopReason: 'toolUse' });
    assert.deepEqual(r.content, [{ type: 'tool_use', id: 'c', name: 'n', input: { a: 1 } }]);
  });

  it('names vscode.lm errors for the person', () => {
    assert.equal(modelError('NoPermissions', '').code, 'NoPermissions');
    assert.match(modelError('Blocked', 'rate').message, /Blocked.*: rate/);
    assert.equal(modelError('Weird', 'boom').code, 'Unknown');
    assert.match(modelError('Weird', 'boom').message, /failed: boom/);
  });
});

describe('card views', () => {
  it('shows every block, pretty JSON for tool inputs, schemas and metadata', () => {
    const r = request({ ...everyBlock, metadata: { a: 1 }, tools: [{ name: 't', description: 'd', inputSchema: { type: 'object' } }], modelPreferences: { hints: [{ name: 'x' }, {}], costPriority: 0.5 } });
    const v = requestViews(r);
    assert.deepEqual(v.messages[0].blocks.map((b) => b.kind), ['text', 'image', 'audio']);
    const tu = v.messages[1].blocks[0];
    assert.ok(tu.kind === 'toolUse' && tu.input.text === '{\n  "q": "x"\n}');
    const tr = v.messages[2].blocks[0];
    assert.ok(tr.kind === 'toolResult' && tr.isError && tr.content.length === 4);
    assert.equal(v.metadata?.text, '{\n  "a": 1\n}');
    assert.equal(v.tools?.[0].schema.text, '{\n  "type": "object"\n}');
    assert.deepEqual(v.modelPreferences, { hints: ['x'], costPriority: 0.5, speedPriority: undefined, intelligencePriority: undefined });
  });

  it('resolves full texts by target', () => {
    assert.equal(fullTextOf(everyBlock, 'system'), 'sys');
    assert.equal(fullTextOf(everyBlock, 'm0.b0'), 'look');
    assert.equal(fullTextOf(everyBlock, 'm2.b0.c0'), 'oops');
    assert.equal(fullTextOf(everyBlock, 'm2.b0.c3'), 'B');
    assert.equal(fullTextOf(everyBlock, 'm9.b0'), undefined);
  });
});

describe('prompt edits', () => {
  const base = request({ systemPrompt: 'S', messages: [{ role: 'user', content: { type: 'text', text: 'a' } }] });

  it('are relative to the original and idempotent', () => {
    const once = applyEdits(base, 10, 100, { messages: [{ message: 0, block: 0, text: 'b' }], systemPrompt: '' });
    assert.ok(!('error' in once));
    assert.equal(once.request.systemPrompt, undefined, 'an emptied system prompt is dropped');
    assert.deepEqual(once.changed, ['messages[0].content[0]', 'systemPrompt']);
    assert.equal(base.messages[0].content[0].type === 'text' && base.messages[0].content[0].text, 'a', 'original untouched');
    const same = applyEdits(base, 10, 100, { messages: [{ message: 0, block: 0, text: 'a' }], systemPrompt: 'S', maxTokens: 10 });
    assert.ok(!('error' in same) && same.changed.length === 0);
  });

  it('clamp maxTokens to the ceiling', () => {
    const r = applyEdits(base, 10, 100, { messages: [], maxTokens: 1000 });
    assert.ok(!('error' in r) && r.request.maxTokens === 100 && r.clampedTo === 100);
  });
});

describe('parseSamplingAction (untrusted webview input)', () => {
  it('accepts the exact shapes', () => {
    assert.deepEqual(parseSamplingAction({ type: 'run', modelId: 'm', edits: { messages: [{ message: 0, block: 1, text: 't' }], maxTokens: 5 } }), {
      type: 'run',
      modelId: 'm',
      edits: { messages: [{ message: 0, block: 1, text: 't' }], maxTokens: 5 },
    });
    assert.deepEqual(parseSamplingAction({ type: 'send', completion: 'x', extra: 1 }), { type: 'send', completion: 'x' });
    assert.deepEqual(parseSamplingAction({ type: 'stop', junk: true }), { type: 'stop' });
    assert.deepEqual(parseSamplingAction({ type: 'openFull', target: 'm1.b2.c3' }), { type: 'openFull', target: 'm1.b2.c3' });
  });

  it('refuses anything else', () => {
    for (const bad of [
      null,
      [],
      { type: 'run', modelId: '', edits: { messages: [] } },
      { type: 'run', modelId: 'm' },
      { type: 'run', modelId: 'm', edits: { messages: [{ message: -1, block: 0, text: '' }] } },
      { type: 'run', modelId: 'm', edits: { messages: [], maxTokens: 1.5 } },
      { type: 'run', modelId: 'm', edits: { messages: [], systemPrompt: 3 } },
      { type: 'send', completion: 5 },
      { type: 'send', completion: 'x'.repeat(1_000_001) },
      { type: 'openFull', target: '../etc' },
      { type: 'eval' },
    ]) {
      assert.equal(parseSamplingAction(bad), undefined, JSON.stringify(bad)?.slice(0, 80));
    }
  });
});

describe('runModel (limits on a stream)', () => {
  const req = { modelId: 'm', messages: [{ role: 'user' as const, parts: [{ type: 'text' as const, text: 'p' }] }], modelOptions: {}, justification: 'j' };

  it('stops at maxTokens and cancels the provider', async () => {
    const runner = new FakeRunner();
    runner.script = () => [{ type: 'text', text: 'aaaa' }, { type: 'text', text: 'bbbbbbbb' }, { type: 'text', text: 'never' }];
    const out = await runModel(runner, req, { maxTokens: 2 }, new AbortController().signal, () => undefined);
    assert.equal(out.text, 'aaaabbbb');
    assert.equal(out.stopReason, 'maxTokens');
    assert.equal(runner.signals[0].aborted, true);
  });

  it('aborts the provider of a run whose stream ended by itself too, once the answer has gone out', async () => {
    const runner = new FakeRunner();
    runner.script = () => [{ type: 'text', text: 'whole answer' }];
    const done = await runModel(runner, req, { maxTokens: 100 }, new AbortController().signal, () => undefined);
    assert.deepEqual([done.text, done.aborted], ['whole answer', false]);
    assert.equal(runner.signals[0].aborted, false, 'not in the turn that answers');
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(runner.signals[0].aborted, true, 'a run that is over never needs its provider again');
  });

  it('passes a stop of the caller on to the provider, with its reason', async () => {
    const runner = new FakeRunner();
    runner.script = () => [{ type: 'text', text: 'whole answer' }];
    const done = await runModel(runner, req, { maxTokens: 100 }, new AbortController().signal, () => undefined);
    assert.deepEqual([done.text, done.stopReason, done.aborted], ['whole answer', 'endTurn', false]);
    const stop = new AbortController();
    let release!: () => void;
    runner.script = () => [{ type: 'text', text: 'part' }, { wait: new Promise<void>((r) => (release = r)) }, { type: 'text', text: 'late' }];
    const run = runModel(runner, req, { maxTokens: 100 }, stop.signal, () => stop.abort(new Error('Stop pressed')));
    const out = await run;
    release();
    assert.equal(out.aborted, true);
    assert.equal(runner.signals[1].aborted, true);
    assert.equal((runner.signals[1].reason as Error).message, 'Stop pressed');
  });

  it('stops at a stop sequence split across chunks', async () => {
    const runner = new FakeRunner();
    runner.script = () => [{ type: 'text', text: 'hello <E' }, { type: 'text', text: 'ND> rest' }];
    const out = await runModel(runner, req, { maxTokens: 100, stopSequences: ['<END>'] }, new AbortController().signal, () => undefined);
    assert.equal(out.text, 'hello ');
    assert.equal(out.stopReason, 'stopSequence');
  });

  it('uses the model tokenizer ratio when it can count', async () => {
    const runner = new FakeRunner();
    runner.countTokens = async (_id, text) => Math.ceil(text.length / 2);
    runner.script = () => [{ type: 'text', text: 'x'.repeat(100) }];
    const long = { ...req, messages: [{ role: 'user' as const, parts: [{ type: 'text' as const, text: 'y'.repeat(400) }] }] };
    const out = await runModel(runner, long, { maxTokens: 10 }, new AbortController().signal, () => undefined);
    assert.equal(out.inputTokens, 200);
    assert.equal(out.text.length, 20, 'two characters per token');
  });

  it('estimates the input from every part as the tokenizer would read it (text parts joined by newlines)', async () => {
    const runner = new FakeRunner();
    const counted: string[] = [];
    runner.countTokens = async (_id, text) => (counted.push(text), text.length);
    const image = { type: 'image' as const, data: new Uint8Array([1, 2, 3]), mimeType: 'image/png' };
    const messages = [
      { role: 'user' as const, parts: [{ type: 'text' as const, text: 'a'.repeat(5) }, image] },
      { role: 'assistant' as const, parts: [{ type: 'text' as const, text: 'b'.repeat(6) }] },
      { role: 'user' as const, parts: [{ type: 'text' as const, text: 'c'.repeat(7) }] },
    ];
    // Far from maxTokens the local estimate is used; near it, the provider counts the same text.
    runner.script = () => [{ type: 'text', text: 'ok' }];
    const far = await runModel(runner, { ...req, messages }, { maxTokens: 100 }, new AbortController().signal, () => undefined);
    runner.script = () => [{ type: 'text', text: 'x'.repeat(20) }];
    await runModel(runner, { ...req, messages }, { maxTokens: 10 }, new AbortController().signal, () => undefined);
    assert.deepEqual(counted, [`${'a'.repeat(5)}\n\n${'b'.repeat(6)}\n${'c'.repeat(7)}`]);
    assert.equal(far.inputTokens, Math.ceil(counted[0].length / 4), 'four characters a token of that text');
    const empty = await runModel(runner, { ...req, messages: [] }, { maxTokens: 100 }, new AbortController().signal, () => undefined);
    assert.equal(empty.inputTokens, 0);
  });

  it('counts with the local estimate and asks the provider only near maxTokens', async () => {
    const runner = new FakeRunner();
    const counted: string[] = [];
    runner.countTokens = async (_id, text) => (counted.push(text), Math.ceil(text.length / 2));
    const long = { ...req, messages: [{ role: 'user' as const, parts: [{ type: 'text' as const, text: 'y'.repeat(400) }] }] };
    runner.script = () => [{ type: 'text', text: 'short answer' }];
    const short = await runModel(runner, long, { maxTokens: 100 }, new AbortController().signal, () => undefined);
    assert.equal(short.text, 'short answer');
    assert.deepEqual(counted, [], 'far from the limit: no call to the provider');
    assert.equal(short.inputTokens, 100, 'the local estimate (four characters a token)');
    runner.script = () => [{ type: 'text', text: 'x'.repeat(60) }, { type: 'text', text: 'x'.repeat(60) }, { type: 'text', text: 'x'.repeat(60) }];
    const near = await runModel(runner, long, { maxTokens: 100 }, new AbortController().signal, () => undefined);
    assert.equal(counted.length, 1, 'asked once, when the text could reach the limit');
    assert.equal(near.inputTokens, 200);
    assert.equal(near.text.length, 180, 'two characters a token: 90 tokens fit');
    assert.equal(near.stopReason, 'endTurn');
  });

  it('ends promptly on abort even if the provider ignores cancellation', async () => {
    const hold = gate();
    const controller = new AbortController();
    // A ref'd timer (AbortSignal.timeout is unref'd and would let the test runner exit early).
    setTimeout(() => controller.abort(new Error('Stop pressed')), 20);
    const deaf: ModelRunner = {
      listModels: async () => [],
      onDidChangeModels: () => ({ dispose() {} }),
      // Reads no signal: only the run's own stop can end the wait for the second part.
      async *stream() {
        yield { type: 'text', text: 'first' };
        await hold.wait;
        yield { type: 'text', text: 'never' };
      },
    };
    const out = await runModel(deaf, req, { maxTokens: 100 }, controller.signal, () => undefined);
    hold.open();
    assert.deepEqual([out.text, out.aborted], ['first', true]);
  });
});
