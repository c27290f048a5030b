// The composition root: createHost wires the pieces to each other and to the
// environment. Requests go straight to the host's handlers here (no server
// process); the integration tests drive the same host through real servers.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import type { ConfiguredServer } from '../../src/host/config';
import type { SamplingParams, ServerRequestContext } from '../../src/host/types';
import type { SamplingCard } from '../../src/shared/samplingProtocol';
import { configs, createTestHost, type HostHarness } from '../support/hostHarness';
import { FakeClock, until } from './samplingFakes';

const dir = mkdtempSync(path.join(tmpdir(), 'create-host-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function ctx(server: string): ServerRequestContext {
  return { server, era: 'legacy', requestId: 1, toolCalls: [], signal: new AbortController().signal };
}

const params = { messages: [{ role: 'user', content: { type: 'text', text: 'Hello' } }], maxTokens: 50 } as SamplingParams;

/** A host whose one server never starts (autoStart off): only its entry matters. */
function hostWith(entry: Record<string, unknown>, extra: Parameters<typeof createTestHost>[0] = {}): HostHarness {
  const h = createTestHost(extra);
  h.manager.applyConfig(configs({ srv: { command: process.execPath, args: ['-e', ''], autoStart: false, ...entry } }), true);
  return h;
}

describe('createHost', () => {
  it('applies a server entry\'s sampling policy to its requests, and a changed entry to the next one', async () => {
    const h = hostWith({ samplingPolicy: 'deny' });
    try {
      await assert.rejects(h.host.sampling.createMessage(params, ctx('srv')), { name: 'HostError', code: -32003 });
      assert.equal(h.broker.pending().length, 0, 'no card for a denied request');
      h.manager.applyConfig(configs({ srv: { command: process.execPath, args: ['-e', ''], autoStart: false, samplingPolicy: 'auto' } }), true);
      const result = await h.host.sampling.createMessage(params, ctx('srv'));
      assert.deepEqual(result.content, { type: 'text', text: 'echo: Hello' });
    } finally {
      await h.dispose();
    }
  });

  it('"Always allow" writes the policy through the environment and announces the edit to the manager', async () => {
    const written: ConfiguredServer[] = [];
    const h = hostWith({}, { sampling: { writeAutoPolicy: async (config) => void written.push(config) } });
    try {
      const pending = h.host.sampling.createMessage(params, ctx('srv'));
      pending.catch(() => undefined);
      await until(() => h.broker.pending().length === 1, 'a card');
      const entry = h.broker.pending()[0];
      h.broker.dispatch(entry.id, { type: 'alwaysAllow' });
      await until(() => (entry.card as SamplingCard).alwaysAllowed === true, 'always allowed');
      assert.deepEqual(written.map((c) => [c.name, c.scope]), [['srv', 'user']]);
      h.broker.dispatch(entry.id, { type: 'reject' });
      await assert.rejects(pending, { code: -1 });
    } finally {
      await h.dispose();
    }
  });

  it('notifies over-budget refusals once per server per minute', async () => {
    const clock = new FakeClock();
    const notices: string[] = [];
    const h = hostWith({ maxRequestsPerMinute: 1, samplingPolicy: 'auto' }, { clock, budgetDefaults: undefined, sampling: { notifyBudget: (server) => void notices.push(server) } });
    try {
      await h.host.sampling.createMessage(params, ctx('srv'));
      for (let i = 0; i < 3; i++) await assert.rejects(h.host.sampling.createMessage(params, ctx('srv')), { code: -32003 });
      assert.deepEqual(notices, ['srv']);
      clock.advance(61_000);
      await h.host.sampling.createMessage(params, ctx('srv'));
      await assert.rejects(h.host.sampling.createMessage(params, ctx('srv')), { code: -32003 });
      assert.deepEqual(notices, ['srv', 'srv']);
    } finally {
      await h.dispose();
    }
  });

  it('writes what the audit log still holds when the host is disposed, for both kinds of request', async () => {
    const auditFile = path.join(dir, 'audit-dispose.jsonl');
    const h = hostWith({ samplingPolicy: 'auto' }, { storage: { auditFile } });
    await h.host.sampling.createMessage(params, ctx('srv'));
    await assert.rejects(h.host.elicitation.elicit({ message: 'm', requestedSchema: { type: 'object', properties: { a: { type: 'null' } } } } as never, ctx('srv')));
    await h.dispose();
    const lines = readFileSync(auditFile, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as { kind: string; outcome: string });
    assert.deepEqual(lines.map((l) => [l.kind, l.outcome]), [['sampling', 'sent'], ['elicitation', 'refused']]);
  });

  it('keeps an audit log in its storage that follows the audit settings', async () => {
    const auditFile = path.join(dir, 'audit.jsonl');
    const h = hostWith({ samplingPolicy: 'auto' }, { storage: { auditFile } });
    try {
      await h.host.sampling.createMessage(params, ctx('srv'));
      await h.host.audit?.readRecent(0);
      h.settings.set('auditLog.enabled', false);
      await h.host.sampling.createMessage(params, ctx('srv'));
      h.settings.set('auditLog.enabled', true);
      h.settings.set('auditLog.includeContent', true);
      await h.host.sampling.createMessage(params, ctx('srv'));
      await h.host.audit?.readRecent(0);
      const lines = readFileSync(auditFile, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as { outcome: string; content?: unknown; contentSizes?: unknown });
      assert.deepEqual(lines.map((l) => l.outcome), ['sent', 'sent'], 'nothing written while disabled');
      assert.equal(lines[0].content, undefined);
      assert.ok(lines[0].contentSizes);
      assert.ok(lines[1].content, 'content once includeContent is on');
    } finally {
      await h.dispose();
    }
  });

  it('writes form answers to its audit log only once includeContent is on (sizes before)', async () => {
    const auditFile = path.join(dir, 'audit-answers.jsonl');
    const h = hostWith({}, { storage: { auditFile } });
    const ask = { message: 'Which token?', requestedSchema: { type: 'object', properties: { token: { type: 'string' } } } } as never;
    const answer = async () => {
      const result = h.host.elicitation.elicit(ask, ctx('srv'));
      const [card] = h.broker.pending();
      assert.ok(h.broker.dispatch(card.id, { type: 'accept', values: { token: 'tok-SECRET-42' } }));
      assert.deepEqual(await result, { action: 'accept', content: { token: 'tok-SECRET-42' } });
    };
    try {
      await answer();
      await h.host.audit?.readRecent(0);
      assert.doesNotMatch(readFileSync(auditFile, 'utf8'), /tok-SECRET-42|Which token/);
      h.settings.set('auditLog.includeContent', true);
      await answer();
      await h.host.audit?.readRecent(0);
      const lines = readFileSync(auditFile, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as { kind: string; outcome: string; content?: unknown; contentSizes?: unknown });
      assert.deepEqual(lines.map((l) => [l.kind, l.outcome]), [['elicitation', 'accepted'], ['elicitation', 'accepted']]);
      assert.deepEqual(lines[0].contentSizes, { message: 'Which token?'.length, answer: JSON.stringify({ token: 'tok-SECRET-42' }).length });
      assert.deepEqual(lines[1].content, { message: 'Which token?', answer: { token: 'tok-SECRET-42' } });
    } finally {
      await h.dispose();
    }
  });

  it('pausing sampling through the controls refuses requests at once', async () => {
    const h = hostWith({ samplingPolicy: 'auto' });
    try {
      h.host.controls.samplingPaused = true;
      await assert.rejects(h.host.sampling.createMessage(params, ctx('srv')), { code: -32003, message: /paused/ });
    } finally {
      await h.dispose();
    }
  });
});
