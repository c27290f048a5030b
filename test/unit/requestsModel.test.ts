import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Emitter } from '../../src/host/events';
import { HostControls } from '../../src/host/requests/controls';
import type { ServerManager } from '../../src/host/serverManager';
import { BrokerRequestsModel, HISTORY_INTERVAL_MS, QUIET_GRACE_MS } from '../../src/extension/requestsModel';
import type { RequestsDelta } from '../../src/extension/requestsView';
import type { ElicitationCard } from '../../src/shared/elicitationProtocol';
import { gate, reviewCard, Rig, settle, until } from './samplingFakes';

/** No servers: the model only reads the list for its status line. */
const noServers = { list: () => [], onDidChange: new Emitter<string | undefined>().event } as unknown as ServerManager;

/** The model on a real broker and sampling coordinator (scripted model, fake clock), with every delta it sends. */
function setup(policy: 'auto' | 'ask' = 'auto') {
  const rig = new Rig();
  rig.options.srv = { samplingPolicy: policy, maxRequestsPerMinute: 1000 };
  const model = new BrokerRequestsModel(rig.broker, noServers, new HostControls(), { clock: rig.clock });
  const sent: RequestsDelta[] = [];
  model.onDidChange((d) => sent.push(d));
  const types = () => sent.map((d) => d.type);
  return { rig, model, sent, types };
}

const CARD_MESSAGES = new Set(['cardAdded', 'cardUpdated', 'cardRemoved', 'completionDelta']);

describe('Requests view model: requests that run without review', () => {
  it('a fast auto request sends no card message, only History, after its answer', async () => {
    const { rig, model, sent, types } = setup();
    rig.runner.script = () => [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }, { type: 'text', text: 'c' }, { type: 'text', text: 'd' }];
    const { result } = rig.request();
    const answer = await result;
    assert.equal(!Array.isArray(answer.content) && answer.content.type === 'text' && answer.content.text, 'abcd');
    assert.deepEqual(types(), [], 'nothing is posted before the answer');
    assert.equal(rig.clock.pending, 1, 'only the History update waits (the grace timer was cleared)');
    assert.deepEqual(model.state().requests, []);
    rig.clock.advance(0);
    assert.deepEqual(types(), ['historyChanged']);
    const history = sent[0].type === 'historyChanged' ? sent[0].history : [];
    assert.equal(history.length, 1);
    assert.equal(history[0].outcome, 'sent');
    assert.equal(rig.clock.pending, 0, 'no timer left behind');
    assert.equal(model.waitingCount(), 0);
    model.dispose();
  });

  it('a burst of fast auto requests sends one History update, and a loop at most one per interval', async () => {
    const { rig, model, sent, types } = setup();
    await Promise.all(Array.from({ length: 20 }, () => rig.request().result));
    rig.clock.advance(0);
    assert.deepEqual(types(), ['historyChanged'], 'one update for the burst');
    assert.equal(sent[0].type === 'historyChanged' && sent[0].history.length, 20);
    for (let i = 0; i < 5; i++) {
      await rig.request().result;
      rig.clock.advance(10);
    }
    assert.deepEqual(types(), ['historyChanged'], 'a loop within the interval waits');
    rig.clock.advance(HISTORY_INTERVAL_MS);
    assert.deepEqual(types(), ['historyChanged', 'historyChanged'], 'then one update with all of them');
    assert.equal(sent[1].type === 'historyChanged' && sent[1].history.length, 25);
    assert.ok(types().every((t) => !CARD_MESSAGES.has(t)));
    model.dispose();
  });

  it('a slow auto request gets its whole card after the grace period, then deltas, Stop, and removal as usual', async () => {
    const { rig, model, sent, types } = setup();
    const hold = gate();
    rig.runner.script = () => [{ type: 'text', text: 'Hel' }, { wait: hold.wait }, { type: 'text', text: 'lo' }];
    const { result } = rig.request();
    const entry = await rig.card();
    await until(() => entry.card.completion?.text.text === 'Hel', 'first chunk');
    rig.clock.advance(QUIET_GRACE_MS - 1);
    assert.deepEqual(types(), [], 'not shown within the grace period');
    assert.deepEqual(model.state().requests, [], 'the ready state has no card the view does not show');
    rig.clock.advance(1);
    assert.deepEqual(types(), ['cardAdded']);
    const added = sent[0].type === 'cardAdded' ? sent[0].card : undefined;
    assert.equal(added?.id, entry.id);
    assert.equal(added?.kind === 'sampling' && added.sampling.phase, 'running', 'the card is sent as it is now');
    assert.equal(added?.kind === 'sampling' && added.sampling.completion?.text.text, 'Hel', 'with the text streamed so far');
    assert.deepEqual(
      model.state().requests.map((r) => r.id),
      [entry.id],
    );
    assert.equal(model.waitingCount(), 0, 'still nothing waits for the person: no badge');
    hold.open();
    await result;
    assert.deepEqual(types(), ['cardAdded', 'completionDelta', 'cardRemoved']);
    const delta = sent[1].type === 'completionDelta' ? sent[1].delta.append : '';
    assert.equal(delta, 'lo');
    rig.clock.advance(0);
    assert.equal(types().at(-1), 'historyChanged');
    assert.equal(rig.clock.pending, 0);
    model.dispose();
  });

  it('the person can Stop a slow auto run from its card and review what it produced', async () => {
    const { rig, model, types } = setup();
    const hold = gate();
    rig.runner.script = () => [{ type: 'text', text: 'partial' }, { wait: hold.wait }, { type: 'text', text: ' more' }];
    rig.request();
    const entry = await rig.card();
    await until(() => entry.card.completion?.text.text === 'partial', 'first chunk');
    rig.clock.advance(QUIET_GRACE_MS);
    assert.deepEqual(types(), ['cardAdded']);
    assert.ok(rig.act(entry, { type: 'stop' }));
    hold.open();
    await until(() => entry.card.phase === 'completed', 'stopped');
    assert.ok(types().includes('cardUpdated'), 'the stop reaches the card');
    assert.ok(!types().includes('cardRemoved'), 'a stopped run waits for the person');
    model.dispose();
  });

  it('a request under review gets its card at once', async () => {
    const { rig, model, types } = setup('ask');
    rig.request();
    const entry = await rig.card();
    assert.deepEqual(types(), ['cardAdded']);
    assert.deepEqual(
      model.state().requests.map((r) => r.id),
      [entry.id],
    );
    assert.equal(model.waitingCount(), 1);
    assert.ok(rig.act(entry, { type: 'reject' }));
    await settle();
    assert.deepEqual(types(), ['cardAdded', 'cardRemoved']);
    model.dispose();
  });

  it('elicitation is never held back, whatever the sampling policy of its server', () => {
    const { rig, model, types } = setup();
    const card: ElicitationCard = { mode: 'refused', requestedMode: 'form', reason: 'r' };
    const handle = rig.broker.open('elicitation', 'srv', card, { origin: {}, signal: new AbortController().signal, timeoutMs: 0 });
    assert.deepEqual(types(), ['cardAdded']);
    assert.deepEqual(
      model.state().requests.map((r) => r.id),
      [handle.id],
    );
    assert.equal(rig.clock.pending, 0, 'no grace timer');
    model.dispose();
  });

  it('a held request that comes to need the person is shown at once, as it is then', () => {
    const { rig, model, sent, types } = setup();
    const handle = rig.broker.open('sampling', 'srv', { ...reviewCard(), policy: 'auto', phase: 'running' }, { origin: {}, signal: new AbortController().signal, timeoutMs: 0 });
    assert.deepEqual(types(), []);
    handle.update({ phase: 'error', error: 'boom' });
    assert.deepEqual(types(), ['cardAdded'], 'no waiting for the grace period');
    const card = sent[0].type === 'cardAdded' ? sent[0].card : undefined;
    assert.equal(card?.kind === 'sampling' && card.sampling.error, 'boom');
    assert.equal(rig.clock.pending, 0, 'the grace timer is gone');
    handle.update({ error: 'still' });
    assert.deepEqual(types(), ['cardAdded', 'cardUpdated'], 'then it behaves as any card');
    model.dispose();
  });

  it('an auto request the server cancels before it is shown leaves no card and no entry, only History', async () => {
    const { rig, model, types } = setup();
    const hold = gate();
    rig.runner.script = () => [{ type: 'text', text: 'x' }, { wait: hold.wait }];
    const { result, cancel } = rig.request();
    await rig.card();
    cancel.abort();
    await assert.rejects(result);
    await settle();
    assert.deepEqual(rig.broker.pending(), [], 'the closed entry nobody saw is dismissed');
    rig.clock.advance(QUIET_GRACE_MS);
    assert.ok(types().every((t) => !CARD_MESSAGES.has(t)), types().join());
    assert.equal(rig.broker.history()[0].outcome, 'cancelled-by-server');
    assert.equal(rig.clock.pending, 0);
    hold.open();
    model.dispose();
  });

  it('a shown auto card the server cancels stays, closed, until dismissed (as every card)', async () => {
    const { rig, model, sent, types } = setup();
    const hold = gate();
    rig.runner.script = () => [{ type: 'text', text: 'x' }, { wait: hold.wait }];
    const { result, cancel } = rig.request();
    const entry = await rig.card();
    rig.clock.advance(QUIET_GRACE_MS);
    cancel.abort();
    await assert.rejects(result);
    await settle();
    assert.deepEqual(new Set(types()), new Set(['cardAdded', 'cardUpdated']));
    assert.ok(sent.some((d) => d.type === 'cardUpdated' && d.update.closed?.kind === 'cancelled-by-server'));
    assert.equal(model.state().requests[0]?.closed?.kind, 'cancelled-by-server');
    assert.deepEqual(rig.broker.pending(), [entry], 'a card the person saw is theirs to dismiss');
    model.handle({ type: 'dismiss', id: entry.id });
    assert.equal(types().at(-1), 'cardRemoved');
    hold.open();
    model.dispose();
  });

  it('dispose clears the timers it holds', async () => {
    const { rig, model, types } = setup();
    const hold = gate();
    rig.runner.script = () => [{ wait: hold.wait }];
    rig.request();
    await rig.card();
    const before = rig.clock.pending;
    model.dispose();
    assert.equal(rig.clock.pending, before - 1);
    rig.clock.advance(QUIET_GRACE_MS);
    assert.deepEqual(types(), []);
    hold.open();
  });
});
