// Integration tests of sampling through the real host stack: ServerManager →
// McpConnection → SamplingCoordinator → RequestBroker (built by createHost), against the v1 (legacy
// era) and v2 (modern era, input_required rounds) fixture servers over stdio.
// A scripted "person" acts on the cards; a scripted model runner answers.
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { after, before, describe, it } from 'node:test';
import type { RequestBroker, BrokerEntry } from '../../src/host/requests/broker';
import type { SamplingAction, SamplingCard } from '../../src/shared/samplingProtocol';
import { FakeRunner, lastText } from '../unit/samplingFakes';
import { configs, createTestHost, V1_STDIO, V2_STDIO, waitFor, type HostHarness } from '../support/hostHarness';

type Person = (entry: BrokerEntry<'sampling'>, act: (a: SamplingAction) => void) => void;

interface Rig {
  h: HostHarness;
  broker: RequestBroker;
  runner: FakeRunner;
  cards: Array<BrokerEntry<'sampling'>>;
  person: Person;
  setPolicy(policy: 'ask' | 'auto'): void;
}

function textOf(result: { content?: unknown }): string[] {
  return ((result.content ?? []) as Array<{ type: string; text?: string }>).filter((b) => b.type === 'text').map((b) => b.text ?? '');
}

/** Waits until a card reaches a phase, polling the broker's change events. */
function phase(rig: Rig, entry: BrokerEntry<'sampling'>, want: SamplingCard['phase']): Promise<void> {
  return new Promise((resolve) => {
    if (entry.card.phase === want) return resolve();
    const sub = rig.broker.onDidChange(() => {
      if (entry.card.phase === want) {
        sub.dispose();
        resolve();
      }
    });
  });
}

/** The person who clicks Run with the preselected model, then Send. */
const runAndSend =
  (rig: () => Rig): Person =>
  (entry, act) => {
    act({ type: 'run', modelId: entry.card.modelId ?? '', edits: { messages: [] } });
    void phase(rig(), entry, 'completed').then(() => act({ type: 'send' }));
  };

function createRig(script: string, era: string): Rig {
  const h = createTestHost();
  const { broker, runner } = h;
  const entry = (samplingPolicy: 'ask' | 'auto') => configs({ fx: { command: process.execPath, args: [script], env: { FIXTURE_NAME: `fx-${era}` }, samplingPolicy } });
  const rig: Rig = {
    h,
    broker,
    runner,
    cards: [],
    person: () => undefined,
    // An option-only change of the entry: applies to the next request without a restart.
    setPolicy: (p) => h.manager.applyConfig(entry(p), true),
  };
  rig.h.manager.applyConfig(entry('ask'), true);
  broker.onDidAdd((e) => {
    const entry = e as BrokerEntry<'sampling'>;
    rig.cards.push(entry);
    // The person reacts after the card is fully open.
    queueMicrotask(() => rig.person(entry, (a) => broker.dispatch(entry.id, a)));
  });
  return rig;
}

for (const [label, script, era] of [
  ['v1 SDK server (legacy era, sampling/createMessage)', V1_STDIO, 'legacy'],
  ['v2 SDK server (modern era, input_required rounds)', V2_STDIO, 'modern'],
] as const) {
  describe(`sampling with a ${label}`, () => {
    let rig: Rig;
    before(async () => {
      rig = createRig(script, era);
      await waitFor(rig.h.manager, () => rig.h.manager.get('fx')?.state.kind === 'running', 20_000, 'fx running');
      assert.equal(rig.h.manager.get('fx')?.connection?.era, era);
    });
    after(() => rig.h.dispose());

    it('shows the request on a card and returns the reviewed completion', async () => {
      rig.setPolicy('ask');
      rig.person = runAndSend(() => rig);
      const result = await rig.h.manager.callTool('fx', 'sample', { prompt: 'say hi', systemPrompt: 'be brief', maxTokens: 42 });
      const card = rig.cards.at(-1)!.card;
      assert.equal(card.systemPrompt.original.text, 'be brief');
      assert.equal(card.maxTokens.requested, 42);
      assert.equal(rig.cards.at(-1)!.origin.toolCall?.name, 'sample');
      assert.deepEqual(textOf(result), ['echo: say hi', 'model: fast-mini, stopReason: endTurn']);
      const sent = rig.runner.requests.at(-1)!;
      assert.deepEqual(sent.messages[0].parts, [{ type: 'text', text: 'be brief' }], 'system prompt as leading user message');
    });

    it('runs the edited prompt and sends the edited completion', async () => {
      rig.person = (entry, act) => {
        act({ type: 'run', modelId: 'smart-pro', edits: { messages: [{ message: 0, block: 0, text: 'edited prompt' }] } });
        void phase(rig, entry, 'completed').then(() => act({ type: 'send', completion: 'the person wrote this' }));
      };
      const result = await rig.h.manager.callTool('fx', 'sample', { prompt: 'original' });
      assert.equal(lastText(rig.runner.requests.at(-1)!), 'edited prompt');
      assert.deepEqual(textOf(result), ['the person wrote this', 'model: smart-pro, stopReason: endTurn']);
      assert.deepEqual(rig.cards.at(-1)!.card.edits, ['messages[0].content[0]', 'model']);
    });

    it('answers a rejection with -1 "User rejected sampling request"', async () => {
      rig.person = (_entry, act) => act({ type: 'reject' });
      const outcome = await rig.h.manager.callTool('fx', 'sample', { prompt: 'no' }).then(
        (r) => textOf(r).join('\n'),
        (err: Error & { code?: number }) => `${err.code}: ${err.message}`,
      );
      // Legacy era: the server receives the JSON-RPC error and reports it in its tool result.
      // Modern era: the retry leaves the refused entry out (MRTR has no error entry) and the
      // server reports that in its tool result: either way the server learns of the rejection.
      assert.match(outcome, era === 'legacy' ? /MCP error -1: User rejected sampling request/ : /^sample: the client did not answer sample_0 \(refused\)$/);
    });

    it('runs a tool round trip (tool_use → tool_result → answer) under policy auto', async () => {
      rig.setPolicy('auto');
      rig.person = () => undefined;
      rig.runner.script = (req) => {
        const hasResult = req.messages.some((m) => m.parts.some((p) => p.type === 'toolResult'));
        if (!hasResult) return [{ type: 'toolCall', callId: 'call-1', name: 'lookup', input: { query: 'paris' } }];
        const result = req.messages.flatMap((m) => m.parts).find((p) => p.type === 'toolResult');
        const fact = result?.type === 'toolResult' && result.content[0]?.type === 'text' ? result.content[0].text : '?';
        return [{ type: 'text', text: `answer: ${fact}` }];
      };
      const result = await rig.h.manager.callTool('fx', 'sample', { prompt: 'capital?', withTools: true });
      assert.deepEqual(textOf(result)[0], 'answer: Paris is the capital of France.');
      assert.equal((result.structuredContent as { toolRounds: number }).toolRounds, 1);
      const first = rig.runner.requests.at(-2)!;
      assert.equal(first.tools?.[0].name, 'lookup');
      assert.equal(first.toolMode, 'auto');
      assert.equal(rig.broker.history()[0].outcome, 'sent');
      rig.runner.script = (req) => [{ type: 'text', text: `echo: ${lastText(req)}` }];
    });

    it('stops a running model when the tool call is cancelled, and leaves no listener on the connection', async () => {
      rig.setPolicy('auto');
      rig.person = () => undefined;
      const lifetime = (rig.h.manager.get('fx')!.connection as unknown as { lifetime: AbortController }).lifetime.signal;
      const before = getEventListeners(lifetime, 'abort').length;
      let started!: () => void;
      const running = new Promise<void>((resolve) => (started = resolve));
      // The model starts, then waits for ever: only the abort can end its run.
      rig.runner.script = () => [{ type: 'text', text: 'partial ' }, { wait: (started(), new Promise<void>(() => {})) }];
      const controller = new AbortController();
      const call = rig.h.manager.callTool('fx', 'sample', { prompt: 'cancel me while running' }, { signal: controller.signal }).catch((err: Error) => err);
      await running;
      const modelSignal = rig.runner.signals.at(-1)!;
      assert.equal(modelSignal.aborted, false);
      controller.abort(new Error('cancelled by test'));
      await call;
      await new Promise<void>((resolve) => {
        const check = () => (modelSignal.aborted ? resolve() : setTimeout(check, 10));
        check();
      });
      await new Promise<void>((resolve) => {
        const check = () => (rig.h.manager.get('fx')!.connection!.pendingRequests === 0 ? resolve() : setTimeout(check, 10));
        check();
      });
      assert.equal(getEventListeners(lifetime, 'abort').length, before);
      // A request answered normally (nothing aborted) unlinks from the connection too.
      rig.runner.script = (req) => [{ type: 'text', text: `echo: ${lastText(req)}` }];
      assert.deepEqual(textOf(await rig.h.manager.callTool('fx', 'sample', { prompt: 'after' }))[0], 'echo: after');
      assert.equal(getEventListeners(lifetime, 'abort').length, before);
    });

    it('closes the card and stops the model when the tool call is cancelled', async () => {
      rig.setPolicy('ask');
      rig.person = () => undefined;
      const controller = new AbortController();
      const call = rig.h.manager.callTool('fx', 'sample', { prompt: 'cancel me' }, { signal: controller.signal }).catch((err: Error) => err);
      await new Promise<void>((resolve) => {
        const sub = rig.broker.onDidAdd(() => {
          sub.dispose();
          resolve();
        });
      });
      const entry = rig.cards.at(-1)!;
      controller.abort(new Error('cancelled by test'));
      await call;
      await new Promise<void>((resolve) => {
        const check = () => (entry.closed ? resolve() : setTimeout(check, 10));
        check();
      });
      assert.equal(entry.closed?.kind, 'cancelled-by-server');
      assert.equal(rig.broker.dispatch(entry.id, { type: 'send' }), false);
      rig.broker.dismiss(entry.id);
    });
  });
}
