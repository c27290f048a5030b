// The host against a misbehaving server: garbage on stdout, a server that never
// answers, and malformed or unknown requests sent to the host. Nothing may hang,
// crash the host, or go unanswered.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { SETTINGS } from '../../src/host/settings';
import { configs, createTestHost, FIXTURES, waitFor } from '../support/hostHarness';

const HOSTILE = path.join(FIXTURES, 'hostile-server.mjs');

function textOf(result: { content?: unknown }): string {
  return ((result.content ?? []) as Array<{ text?: string }>).map((b) => b.text ?? '').join('');
}

describe('a hostile server', () => {
  it('survives garbage on stdout and keeps serving tools', async () => {
    const h = createTestHost();
    try {
      h.manager.applyConfig(configs({ junk: { command: process.execPath, args: [HOSTILE], env: { HOSTILE_MODE: 'garbage' } } }), true);
      await waitFor(h.manager, () => h.manager.get('junk')?.state.kind === 'running', 20_000, 'running');
      assert.equal(textOf(await h.manager.callTool('junk', 'echo', { text: 'still here' })), 'echo: still here');
      // The server's self-reported name is kept as data, never interpreted.
      assert.equal(h.manager.get('junk')?.connection?.serverInfo?.name, '<img src=x onerror=alert(1)>');
    } finally {
      await h.dispose();
    }
  });

  it('times out a server that never completes the handshake', async () => {
    const h = createTestHost({ timeouts: () => ({ connectMs: 1500, toolIdleMs: 5000, toolMaxMs: 10_000 }) });
    try {
      h.manager.applyConfig(configs({ mute: { command: process.execPath, args: [HOSTILE], env: { HOSTILE_MODE: 'silent' } } }), true);
      await waitFor(h.manager, () => h.manager.get('mute')?.state.kind === 'error', 20_000, 'error state');
    } finally {
      await h.dispose();
    }
  });

  it('answers roots/list with the workspace folders', async () => {
    const h = createTestHost();
    try {
      h.roots.set([{ uri: 'file:///tmp/ws-one', name: 'ws-one' }]);
      h.manager.applyConfig(configs({ probe: { command: process.execPath, args: [HOSTILE], env: { HOSTILE_MODE: 'probe' } } }), true);
      await waitFor(h.manager, () => h.manager.get('probe')?.state.kind === 'running', 20_000, 'running');
      const answer = JSON.parse(textOf(await h.manager.callTool('probe', 'ask', { method: 'roots/list', params: {} })));
      assert.deepEqual(answer.result?.roots, [{ uri: 'file:///tmp/ws-one', name: 'ws-one' }]);
    } finally {
      await h.dispose();
    }
  });

  it('delivers every progress notification that arrives in the same read as the result', async () => {
    // The SDK dispatches a notification in a microtask but a response at once, and a
    // response forgets its progress handler: HostClient keeps the wire order instead.
    const h = createTestHost();
    try {
      h.manager.applyConfig(configs({ burst: { command: process.execPath, args: [HOSTILE], env: { HOSTILE_MODE: 'probe' } } }), true);
      await waitFor(h.manager, () => h.manager.get('burst')?.state.kind === 'running', 20_000, 'running');
      for (const n of [1, 5]) {
        const seen: Array<{ progress: number; message?: string }> = [];
        const result = await h.manager.callTool('burst', 'progressBurst', { n }, { onProgress: (p) => seen.push({ progress: p.progress, message: p.message }) });
        assert.equal(textOf(result), `sent ${n} progress notifications`);
        assert.deepEqual(
          seen,
          Array.from({ length: n }, (_, i) => ({ progress: i + 1, message: `step ${i + 1}` })),
        );
      }
    } finally {
      await h.dispose();
    }
  });

  for (const [what, method, params, code] of [
    ['a sampling request without messages', 'sampling/createMessage', { maxTokens: 10 }, -32602],
    ['an elicitation request without a schema', 'elicitation/create', { message: 'hi' }, -32602],
    ['an unknown method', 'host/doSomethingEvil', {}, -32601],
  ] as const) {
    it(`answers ${what} with JSON-RPC error ${code}`, async () => {
      // The host's real handlers: out-of-spec requests reach them and are refused with a reason.
      const h = createTestHost();
      h.settings.set(SETTINGS.reviewTimeoutMinutes.key, 0);
      try {
        h.manager.applyConfig(configs({ probe: { command: process.execPath, args: [HOSTILE], env: { HOSTILE_MODE: 'probe' } } }), true);
        await waitFor(h.manager, () => h.manager.get('probe')?.state.kind === 'running', 20_000, 'running');
        const answer = JSON.parse(textOf(await h.manager.callTool('probe', 'ask', { method, params })));
        assert.equal(answer.error?.code, code, JSON.stringify(answer));
        assert.equal(typeof answer.error?.message, 'string');
      } finally {
        await h.dispose();
      }
    });
  }
});
