import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toCard, toPatch } from '../../src/host/requests/cards';
import type { BrokerChange } from '../../src/host/requests/broker';
import { CARD_TEXT_CAP, type MessageView } from '../../src/shared/samplingProtocol';
import { RequestsStore } from '../../src/webview/requestsStore';
import { gate, reviewCard, Rig, settle, until } from './samplingFakes';

const IMAGE = 'iVBORw0KGgo='.repeat(1000);


const withImage = (edited?: string): MessageView[] => [
  {
    role: 'user',
    blocks: [
      { kind: 'text', text: { original: { text: 'look', length: 4, truncated: false }, ...(edited !== undefined && { current: { text: edited, length: edited.length, truncated: false } }) } },
      { kind: 'image', mimeType: 'image/png', bytes: 9000, data: IMAGE },
    ],
  },
];

describe('Requests view deltas', () => {
  it('a sampling session streams appended text, never the whole card, and without a timer', async () => {
    const rig = new Rig();
    const hold = gate();
    rig.runner.script = () => [{ type: 'text', text: 'Hel' }, { type: 'text', text: 'lo, ' }, { wait: hold.wait }, { type: 'text', text: 'world' }];
    const { result } = rig.request();
    const entry = await rig.card();
    const changes: BrokerChange[] = [];
    rig.broker.onDidChangeEntry((c) => changes.push(c));
    rig.run(entry);
    await until(() => entry.card.completion?.text.text === 'Hello, ', 'two chunks streamed');
    // Nothing waits on the clock: the deltas are out before any timer could run (the review timeout is a background timer, not counted).
    assert.equal(rig.clock.pending, 0, 'no timer between the model and the view');
    const streamed = changes.filter((c) => c.type === 'streamed');
    assert.deepEqual(streamed.map((c) => (c.entry.kind === 'sampling' ? c.delta.append : '')), ['Hel', 'lo, ']);
    const updates = changes.filter((c) => c.type === 'updated');
    assert.equal(updates.length, 1, 'one update when the run starts');
    assert.ok(updates[0].type === 'updated' && updates[0].patch && !('messages' in updates[0].patch), 'the prompt is not resent when nothing in it changed');
    hold.open();
    await until(() => entry.card.phase === 'completed', 'completed');
    assert.equal(entry.card.completion?.text.text, 'Hello, world');
    rig.act(entry, { type: 'send' });
    await result;
    await settle();
  });

  it('an auto request nobody looks at builds no card: its changes carry no patch and its stream no delta', async () => {
    const rig = new Rig();
    rig.options.srv = { samplingPolicy: 'auto', maxRequestsPerMinute: 1000 };
    rig.runner.script = () => [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }, { type: 'text', text: 'c' }];
    const changes: BrokerChange[] = [];
    rig.broker.onDidChangeEntry((c) => changes.push(c));
    const answer = await rig.request().result;
    assert.equal(!Array.isArray(answer.content) && answer.content.type === 'text' && answer.content.text, 'abc');
    assert.deepEqual(changes.map((c) => c.type), ['added', 'updated', 'history', 'removed']);
    assert.ok(changes[1].type === 'updated' && changes[1].patch === undefined, 'the run started: said, but nothing built to send');
    assert.equal(rig.audits.length, 1, 'recorded all the same');
  });

  it('updates carry only changed fields; cleared ones are listed; sampling messages travel without media', () => {
    const entry = { id: 'sampling-x-1', kind: 'sampling' as const, server: 's', createdAt: 1, card: reviewCard(withImage('edited')), origin: {}, needsAttention: () => true };
    const patch = toPatch({ type: 'updated', entry, patch: { phase: 'running', error: undefined, messages: entry.card.messages } });
    assert.equal(patch.kind, 'sampling');
    assert.deepEqual(patch.unset, ['error']);
    const block = patch.kind === 'sampling' ? patch.patch?.messages?.[0].blocks[1] : undefined;
    assert.equal(block?.kind, 'image');
    assert.equal(block?.kind === 'image' ? block.data : 'x', undefined, 'the image is not sent again');
    assert.equal(entry.card.messages[0].blocks[1].kind === 'image' && entry.card.messages[0].blocks[1].data, IMAGE, 'the stored card keeps its media');
    assert.equal(toCard(entry).kind === 'sampling' && toCard(entry).id, entry.id);
  });

  it('the webview store merges patches, keeps media it had, and appends streamed text up to the cap', () => {
    const store = new RequestsStore();
    const base = { id: 'a', server: { name: 's' }, createdAt: 1 };
    store.reset({ serverCount: 1, runningCount: 1, samplingPaused: false, history: [], requests: [{ ...base, kind: 'sampling', sampling: reviewCard(withImage()) }] });
    const stripped = toPatch({ type: 'updated', entry: { ...base, kind: 'sampling', server: 's', origin: {}, card: reviewCard(withImage('new text')), needsAttention: () => true }, patch: { messages: withImage('new text'), error: undefined } });
    const merged = store.update('a', stripped);
    assert.ok(merged?.kind === 'sampling');
    const [text, image] = merged.sampling.messages[0].blocks;
    assert.equal(text.kind === 'text' && text.text.current?.text, 'new text');
    assert.equal(image.kind === 'image' && image.data, IMAGE, 'media from cardAdded is kept');
    assert.equal('error' in merged.sampling, false);
    assert.equal(store.update('a', { kind: 'elicitation', patch: {} }), undefined, 'a patch of another kind is refused');

    store.update('a', { kind: 'sampling', patch: { completion: { runId: 2, text: { text: '', length: 0, truncated: false }, toolUses: [], streaming: true, modelId: 'm', modelLabel: 'M', outputTokens: 0 } } });
    store.stream('a', { runId: 2, append: 'x'.repeat(CARD_TEXT_CAP - 1), length: CARD_TEXT_CAP - 1 });
    store.stream('a', { runId: 2, append: 'yz', length: CARD_TEXT_CAP + 1 });
    assert.equal(store.stream('a', { runId: 1, append: 'stale', length: 5 }), undefined, 'a delta of an older run is ignored');
    const card = store.cards.get('a');
    const completion = card?.kind === 'sampling' ? card.sampling.completion : undefined;
    assert.equal(completion?.text.text.length, CARD_TEXT_CAP);
    assert.equal(completion?.text.text.endsWith('y'), true);
    assert.equal(completion?.text.truncated, true);
    assert.equal(completion?.text.length, CARD_TEXT_CAP + 1);
  });

  it('counts open requests per server for "Reject all"', () => {
    const store = new RequestsStore();
    const card = (id: string, server: string, closed?: boolean) => ({ id, server: { name: server }, createdAt: 1, kind: 'sampling' as const, sampling: reviewCard(), ...(closed && { closed: { kind: 'timeout' as const, message: 'late' } }) });
    store.reset({ serverCount: 2, runningCount: 2, samplingPaused: false, history: [], requests: [card('1', 'a'), card('2', 'a'), card('3', 'b'), card('4', 'a', true)] });
    assert.deepEqual([...store.openByServer()], [['a', 2], ['b', 1]]);
  });
});
