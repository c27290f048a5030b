import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HostError } from '../../src/host/errors';
import { ReviewAbortedError } from '../../src/host/requests/broker';
import { ModelRunError } from '../../src/host/sampling/runner';
import { STOPPED_BY_USER } from '../../src/host/sampling/session';
import { samplingCardNeedsAttention } from '../../src/shared/samplingProtocol';
import { gate, Rig, settle, until } from './samplingFakes';

async function rejection(p: Promise<unknown>): Promise<HostError> {
  try {
    await p;
  } catch (err) {
    return err as HostError;
  }
  throw new Error('expected a rejection');
}

describe('SamplingCoordinator: policy ask', () => {
  it('shows the request, sends nothing before Run, then returns the reviewed completion', async () => {
    const rig = new Rig();
    const { result } = rig.request();
    const entry = await rig.card();
    assert.equal(entry.card.phase, 'review');
    assert.equal(entry.card.policy, 'ask');
    assert.deepEqual(entry.card.models.map((m) => m.id), ['fast-mini', 'smart-pro']);
    assert.equal(entry.card.modelId, 'fast-mini');
    assert.match(entry.card.modelReason, /First available model/);
    assert.equal(entry.origin.toolCall?.name, 'sample');
    await settle();
    assert.equal(rig.runner.requests.length, 0, 'no model request before Run');
    rig.run(entry);
    await until(() => entry.card.phase === 'completed', 'completion');
    assert.equal(entry.card.completion?.text.text, 'echo: Hello');
    assert.equal(entry.card.completion?.stopReason, 'endTurn');
    assert.equal(rig.runner.requests[0].justification, 'server srv asks');
    rig.act(entry, { type: 'send' });
    const r = await result;
    assert.deepEqual(r, { role: 'assistant', content: { type: 'text', text: 'echo: Hello' }, model: 'fast-mini', stopReason: 'endTurn' });
    assert.equal(rig.broker.pending().length, 0);
    assert.equal(rig.broker.history()[0].outcome, 'sent');
    assert.equal(rig.audits[0].outcome, 'sent');
    assert.equal(rig.audits[0].tool, 'sample');
    assert.equal(rig.audits[0].model, 'fast-mini');
    assert.ok(rig.audits[0].tokenEstimate && rig.audits[0].tokenEstimate.output > 0);
  });

  it('rejects with -1 before running', async () => {
    const rig = new Rig();
    const { result } = rig.request();
    rig.act(await rig.card(), { type: 'reject' });
    const err = await rejection(result);
    assert.equal(err.code, -1);
    assert.equal(err.message, 'User rejected sampling request');
    assert.equal(rig.runner.requests.length, 0);
    assert.equal(rig.audits[0].outcome, 'rejected');
    assert.equal(rig.broker.history()[0].outcome, 'rejected');
  });

  it('rejects with -1 after running, and mid-stream cancels the model request', async () => {
    const rig = new Rig();
    const hold = gate();
    rig.runner.script = () => [{ type: 'text', text: 'partial ' }, hold, { type: 'text', text: 'never' }];
    const { result } = rig.request();
    const entry = await rig.card();
    rig.run(entry);
    await until(() => rig.runner.requests.length === 1);
    rig.act(entry, { type: 'reject' });
    assert.equal((await rejection(result)).code, -1);
    assert.equal(rig.runner.signals[0].aborted, true);
  });

  it('stops mid-stream and keeps the partial text for review', async () => {
    const rig = new Rig();
    const hold = gate();
    rig.runner.script = () => [{ type: 'text', text: 'first part' }, hold, { type: 'text', text: ' never' }];
    const { result } = rig.request();
    const entry = await rig.card();
    rig.run(entry);
    await until(() => entry.card.phase === 'running');
    rig.clock.advance(100);
    await until(() => entry.card.completion?.text.text === 'first part', 'streamed text');
    rig.act(entry, { type: 'stop' });
    await until(() => entry.card.phase === 'completed', 'stopped');
    assert.equal(rig.runner.signals[0].aborted, true);
    assert.equal(entry.card.completion?.stopReason, STOPPED_BY_USER);
    rig.act(entry, { type: 'send' });
    const r = await result;
    assert.deepEqual(r.content, { type: 'text', text: 'first part' });
    assert.equal(r.stopReason, STOPPED_BY_USER);
  });

  it('applies and records edits of a message, the system prompt, maxTokens, the model and the completion', async () => {
    const rig = new Rig();
    const { result } = rig.request({
      systemPrompt: 'Be terse',
      messages: [
        { role: 'user', content: { type: 'text', text: 'original question' } },
        { role: 'assistant', content: { type: 'text', text: 'previous answer' } },
        { role: 'user', content: [{ type: 'text', text: 'follow-up' }] },
      ],
    });
    const entry = await rig.card();
    rig.act(entry, { type: 'run', modelId: 'smart-pro', edits: { messages: [{ message: 0, block: 0, text: 'edited question' }, { message: 2, block: 0, text: 'follow-up' }], systemPrompt: 'Be kind', maxTokens: 50 } });
    await until(() => entry.card.phase === 'completed');
    const sent = rig.runner.requests[0];
    assert.equal(sent.modelId, 'smart-pro');
    assert.deepEqual(sent.messages[0], { role: 'user', parts: [{ type: 'text', text: 'Be kind' }] }, 'system prompt as a leading User message');
    assert.deepEqual(sent.messages[1].parts, [{ type: 'text', text: 'edited question' }]);
    assert.deepEqual(entry.card.edits, ['messages[0].content[0]', 'systemPrompt', 'maxTokens', 'model']);
    const first = entry.card.messages[0].blocks[0];
    assert.ok(first.kind === 'text' && first.text.current?.text === 'edited question' && first.text.original.text === 'original question');
    assert.equal(entry.card.systemPrompt.current?.text, 'Be kind');
    assert.equal(entry.card.maxTokens.value, 50);
    rig.act(entry, { type: 'send', completion: 'my own words' });
    const r = await result;
    assert.deepEqual(r.content, { type: 'text', text: 'my own words' });
    assert.deepEqual(rig.audits[0].edits, ['messages[0].content[0]', 'systemPrompt', 'maxTokens', 'completion', 'model']);
  });

  it('refuses edits of non-text blocks and unknown models on the card, without answering', async () => {
    const rig = new Rig();
    rig.request();
    const entry = await rig.card();
    rig.act(entry, { type: 'run', modelId: 'nope', edits: { messages: [] } });
    await until(() => entry.card.error !== undefined);
    assert.match(entry.card.error ?? '', /not available/);
    rig.act(entry, { type: 'run', modelId: 'fast-mini', edits: { messages: [{ message: 5, block: 0, text: 'x' }] } });
    await until(() => /not a text block/.test(entry.card.error ?? ''));
    assert.equal(rig.runner.requests.length, 0);
    assert.equal(rig.broker.pending().length, 1);
  });
});

describe('SamplingCoordinator: other policies', () => {
  it('approvePrompt runs at once and still waits for the completion review', async () => {
    const rig = new Rig();
    rig.options.srv = { samplingPolicy: 'approvePrompt' };
    const { result } = rig.request();
    const entry = await rig.card();
    await until(() => entry.card.phase === 'completed');
    assert.equal(rig.runner.requests.length, 1);
    await settle();
    assert.equal(rig.broker.pending().length, 1, 'still waiting for Send');
    rig.act(entry, { type: 'send' });
    assert.equal((await result).model, 'fast-mini');
  });

  it('sums up a sent completion in History as its first 80 characters on one line, however long or blank its start', async () => {
    const rig = new Rig();
    rig.options.srv = { samplingPolicy: 'auto', maxRequestsPerMinute: 1000 };
    const summaries: string[] = [];
    for (const text of ['short\n answer', 'word '.repeat(2000), `${' \n'.repeat(1500)}late   start`]) {
      rig.runner.script = () => [{ type: 'text', text }];
      await rig.request({ maxTokens: 4000 }).result;
      summaries.push(rig.broker.history()[0].summary);
    }
    assert.deepEqual(summaries, [
      '“short answer” (Fast Mini, endTurn)',
      `“${'word '.repeat(16).slice(0, 80)}…” (Fast Mini, endTurn)`,
      '“late start” (Fast Mini, endTurn)',
    ]);
  });

  it('auto runs and sends without anyone, and leaves a history entry', async () => {
    const rig = new Rig();
    rig.options.srv = { samplingPolicy: 'auto' };
    let added = 0;
    rig.broker.onDidAdd((e) => {
      added++;
      assert.equal(samplingCardNeedsAttention(e.card as never), false);
    });
    const r = await rig.request().result;
    assert.deepEqual(r.content, { type: 'text', text: 'echo: Hello' });
    assert.equal(added, 1);
    assert.equal(rig.broker.history()[0].outcome, 'sent');
    assert.equal(rig.audits[0].outcome, 'sent');
  });

  it('deny refuses with -32003 and no card', async () => {
    const rig = new Rig();
    rig.options.srv = { samplingPolicy: 'deny' };
    const err = await rejection(rig.request().result);
    assert.equal(err.code, -32003);
    assert.equal(rig.broker.pending().length, 0);
    assert.equal(rig.audits[0].outcome, 'denied');
  });

  it('pause refuses new requests and the ones waiting', async () => {
    const rig = new Rig();
    const waiting = rig.request();
    await rig.card();
    rig.paused = true;
    rig.pauseEmitter.fire();
    assert.equal((await rejection(waiting.result)).code, -32003);
    assert.equal(rig.broker.pending().length, 0);
    const err = await rejection(rig.request().result);
    assert.match(err.message, /paused/);
  });
});

describe('SamplingCoordinator: budget', () => {
  it('refuses over the rate limit with a clear error and notifies once per minute', async () => {
    const rig = new Rig();
    rig.options.srv = { samplingPolicy: 'auto', maxRequestsPerMinute: 2 };
    await rig.request().result;
    await rig.request().result;
    const err = await rejection(rig.request().result);
    assert.equal(err.code, -32003);
    assert.match(err.message, /limit of 2 sampling requests per minute/);
    await rejection(rig.request().result);
    assert.equal(rig.notices.length, 1);
    rig.clock.advance(61_000);
    await rig.request().result;
    assert.equal(rig.notices.length, 1);
  });

  it('clamps maxTokens to the ceiling and the stream to it', async () => {
    const rig = new Rig();
    rig.options.srv = { samplingPolicy: 'approvePrompt', maxTokens: 3 };
    rig.runner.script = () => [{ type: 'text', text: 'abcdefghijklmnopqrstuvwxyz' }];
    rig.request({ maxTokens: 500 });
    const entry = await rig.card();
    assert.equal(entry.card.maxTokens.value, 3);
    assert.ok(entry.card.maxTokens.clamped);
    assert.match(entry.card.notices.join(' '), /lowered from 500 to 3/);
    await until(() => entry.card.phase === 'completed');
    assert.equal(entry.card.completion?.text.text, 'abcdefghijkl');
    assert.equal(entry.card.completion?.stopReason, 'maxTokens');
  });
});

describe('SamplingCoordinator: lifecycle', () => {
  it('answers a review timeout with -32001 and stops the running model', async () => {
    const rig = new Rig();
    rig.reviewTimeoutMs = 1000;
    const hold = gate();
    rig.runner.script = () => [{ type: 'text', text: 'x' }, hold];
    const { result } = rig.request();
    const entry = await rig.card();
    rig.run(entry);
    await until(() => rig.runner.requests.length === 1);
    rig.clock.advance(1000);
    const err = await rejection(result);
    assert.equal(err.code, -32001);
    assert.equal(rig.runner.signals[0].aborted, true);
    assert.equal(entry.closed?.kind, 'timeout');
    assert.equal(rig.audits[0].outcome, 'timeout');
    assert.equal(rig.broker.pending().length, 1, 'closed card kept until dismissed');
  });

  it('stops when the server cancels, answers nothing and keeps the card closed', async () => {
    const rig = new Rig();
    const { result, cancel } = rig.request();
    const entry = await rig.card();
    cancel.abort();
    const err = await rejection(result);
    assert.ok(err instanceof ReviewAbortedError);
    assert.equal(entry.closed?.kind, 'cancelled-by-server');
    assert.equal(rig.broker.dispatch(entry.id, { type: 'send' }), false);
    assert.equal(rig.audits[0].outcome, 'cancelled');
  });

  it('answers invalid params with -32602', async () => {
    const rig = new Rig();
    const err = await rejection(rig.request({ messages: [{ role: 'user', content: { type: 'tool_result', toolUseId: 'x', content: [] } }] }).result);
    assert.equal(err.code, -32602);
    assert.match(err.message, /unknown toolUseId 'x'/);
  });
});

describe('SamplingCoordinator: models and errors', () => {
  it('preselects from hints, honours allowedModels and says why', async () => {
    const rig = new Rig();
    rig.request({ modelPreferences: { hints: [{ name: 'pro' }] } });
    const entry = await rig.card();
    assert.equal(entry.card.modelId, 'smart-pro');
    assert.match(entry.card.modelReason, /Matched hint "pro"/);
    const rig2 = new Rig();
    rig2.options.srv = { samplingPolicy: 'ask', allowedModels: ['fast-mini'] };
    rig2.request({ modelPreferences: { hints: [{ name: 'pro' }] } });
    const e2 = await rig2.card();
    assert.deepEqual(e2.card.models.map((m) => m.id), ['fast-mini']);
    assert.equal(e2.card.hiddenModels, 1);
    rig2.act(e2, { type: 'run', modelId: 'smart-pro', edits: { messages: [] } });
    await until(() => e2.card.error !== undefined);
    assert.equal(rig2.runner.requests.length, 0, 'a model outside allowedModels never runs');
  });

  it('with no model says so on the card and returns an error on request', async () => {
    const rig = new Rig();
    rig.runner.models = [];
    const { result } = rig.request();
    const entry = await rig.card();
    assert.equal(entry.card.modelId, undefined);
    assert.match(entry.card.modelReason, /No language models/);
    rig.act(entry, { type: 'returnError' });
    const err = await rejection(result);
    assert.equal(err.code, -32603);
    assert.match(err.message, /No language models/);
  });

  it('re-queries models when they change', async () => {
    const rig = new Rig();
    rig.runner.models = [];
    rig.request();
    const entry = await rig.card();
    rig.runner.models = [rig.runner.models[0] ?? { id: 'late', name: 'Late', vendor: 'v', family: 'f', version: '1', maxInputTokens: 1000 }];
    rig.runner.fireModelsChanged();
    await until(() => entry.card.modelId === 'late', 'new model');
  });

  it('lists the models once until they change, then once for every open card', async () => {
    const rig = new Rig();
    rig.options.srv = { samplingPolicy: 'auto' };
    await rig.request().result;
    await rig.request().result;
    assert.equal(rig.runner.listCalls, 1, 'an unchanged list is not asked for again');
    rig.options.srv = { samplingPolicy: 'ask' };
    for (let i = 0; i < 3; i++) rig.request();
    await until(() => rig.broker.pending().length === 3, 'three cards');
    const late = { id: 'late', name: 'Late', vendor: 'v', family: 'f', version: '1', maxInputTokens: 1000 };
    rig.runner.models = [late];
    rig.runner.fireModelsChanged();
    await until(() => rig.broker.pending().every((e) => e.kind === 'sampling' && e.card.modelId === 'late'), 'every card shows the new model');
    assert.equal(rig.runner.listCalls, 2, 'one listing for the three cards');
    rig.request();
    await until(() => rig.broker.pending().length === 4, 'a fourth card');
    assert.equal(rig.runner.listCalls, 2, 'the new list is kept');
  });

  it('shows a model error on the card, lets the person retry, and returns it on request', async () => {
    const rig = new Rig();
    let calls = 0;
    rig.runner.script = () => (++calls === 1 ? [{ fail: new ModelRunError('Blocked', 'quota used up') }] : [{ type: 'text', text: 'second try' }]);
    const { result } = rig.request();
    const entry = await rig.card();
    rig.run(entry);
    await until(() => entry.card.phase === 'error');
    assert.equal(entry.card.error, 'quota used up');
    rig.run(entry);
    await until(() => entry.card.phase === 'completed');
    assert.equal(entry.card.error, undefined);
    rig.act(entry, { type: 'send' });
    assert.deepEqual((await result).content, { type: 'text', text: 'second try' });
  });

  it('answers a failed auto request with an error at once and notifies', async () => {
    const rig = new Rig();
    rig.options.srv = { samplingPolicy: 'auto' };
    rig.runner.script = () => [{ type: 'text', text: 'half' }, { fail: new Error('stream broke') }];
    const err = await rejection(rig.request().result);
    assert.equal(err.code, -32603);
    assert.match(err.message, /stream broke/);
    assert.match(rig.notices[0], /failed srv/);
    assert.equal(rig.audits[0].outcome, 'error');
  });
});

describe('SamplingCoordinator: tools and options', () => {
  const tools = [{ name: 'lookup', description: 'Look up', inputSchema: { type: 'object' as const, properties: { q: { type: 'string' } } } }];

  it('offers tools, returns tool_use blocks with stopReason toolUse', async () => {
    const rig = new Rig();
    rig.options.srv = { samplingPolicy: 'auto' };
    rig.runner.script = () => [{ type: 'text', text: 'calling' }, { type: 'toolCall', callId: 'c1', name: 'lookup', input: { q: 'mcp' } }];
    const r = await rig.request({ tools, toolChoice: { mode: 'required' }, temperature: 0.2 }).result;
    const sent = rig.runner.requests[0];
    assert.deepEqual(sent.tools, [{ name: 'lookup', description: 'Look up', inputSchema: tools[0].inputSchema }]);
    assert.equal(sent.toolMode, 'required');
    assert.deepEqual(sent.modelOptions, { temperature: 0.2 });
    assert.equal(r.stopReason, 'toolUse');
    assert.deepEqual(r.content, [
      { type: 'text', text: 'calling' },
      { type: 'tool_use', id: 'c1', name: 'lookup', input: { q: 'mcp' } },
    ]);
  });

  it('sends no tools for toolChoice none and converts tool history', async () => {
    const rig = new Rig();
    rig.options.srv = { samplingPolicy: 'auto' };
    await rig.request({
      tools,
      toolChoice: { mode: 'none' },
      messages: [
        { role: 'user', content: { type: 'text', text: 'q' } },
        { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'lookup', input: { q: 'a' } }] },
        { role: 'user', content: [{ type: 'tool_result', toolUseId: 't1', content: [{ type: 'text', text: 'fact' }] }] },
      ],
    }).result;
    const sent = rig.runner.requests[0];
    assert.equal(sent.tools, undefined);
    assert.equal(sent.toolMode, undefined);
    assert.deepEqual(sent.messages[1].parts, [{ type: 'toolCall', callId: 't1', name: 'lookup', input: { q: 'a' } }]);
    assert.deepEqual(sent.messages[2].parts, [{ type: 'toolResult', callId: 't1', content: [{ type: 'text', text: 'fact' }] }]);
  });

  it('applies stop sequences to the stream', async () => {
    const rig = new Rig();
    rig.options.srv = { samplingPolicy: 'auto' };
    rig.runner.script = () => [{ type: 'text', text: 'one two ST' }, { type: 'text', text: 'OP three' }];
    const r = await rig.request({ stopSequences: ['STOP'] }).result;
    assert.deepEqual(r.content, { type: 'text', text: 'one two ' });
    assert.equal(r.stopReason, 'stopSequence');
  });

  it('Always allow writes the policy, and long texts open in full', async () => {
    const rig = new Rig();
    const long = 'x'.repeat(25_000);
    rig.request({ messages: [{ role: 'user', content: { type: 'text', text: long } }] });
    const entry = await rig.card();
    const block = entry.card.messages[0].blocks[0];
    assert.ok(block.kind === 'text' && block.text.original.truncated && block.text.original.text.length === 20_000 && block.text.original.length === 25_000);
    rig.act(entry, { type: 'alwaysAllow' });
    await until(() => entry.card.alwaysAllowed === true);
    assert.deepEqual(rig.allowed, ['srv']);
    rig.act(entry, { type: 'openFull', target: 'm0.b0' });
    assert.equal(rig.opened[0], long);
    rig.act(entry, { type: 'run', modelId: 'fast-mini', edits: { messages: [{ message: 0, block: 0, text: 'short' }] } });
    await until(() => /too long to edit/.test(entry.card.error ?? ''));
  });
});
