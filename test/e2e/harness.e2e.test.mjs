// Checks the harness itself and the test-only model extension in a real VS Code,
// without the MCP Approval Host extension (so it runs even when that does not build).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startVsCode, waitFor } from './harness.mjs';

describe('harness + test model extension (no MCP Approval Host)', { timeout: 180000 }, () => {
  /** @type {Awaited<ReturnType<typeof startVsCode>>} */
  let vs;

  before(async () => {
    vs = await startVsCode({ mainExtension: false, label: 'harness' });
  });

  after(async () => {
    await vs?.stop();
  });

  test('the palette runs a command: "E2E Test: List Models" lists both e2e-test models', async () => {
    await vs.runCommand('E2E Test: List Models');
    const file = join(vs.controlDir, 'models.json');
    await waitFor(() => existsSync(file), 10000);
    const models = JSON.parse(readFileSync(file, 'utf8'));
    assert.deepEqual(models.map((m) => [m.id, m.family, m.name]).sort(), [
      ['e2e-fast', 'e2e-mini', 'E2E Fast'],
      ['e2e-smart', 'e2e-pro', 'E2E Smart'],
    ]);
    assert.ok(models.every((m) => m.vendor === 'e2e-test'));
  });

  test('the model answers deterministically and logs the request', async () => {
    const reply = await vs.invoke('e2eTest.sendRequest', { selector: { vendor: 'e2e-test', family: 'e2e-pro' }, prompt: 'What is 2+2?', modelOptions: { temperature: 0.2 } });
    assert.equal(reply.text, '[e2e-smart] reply to: What is 2+2?');
    const logged = vs.modelLog().filter((e) => e.event === 'request' && e.modelId === 'e2e-smart');
    assert.equal(logged.length, 1);
    assert.equal(logged[0].messages[0].role, 'user');
    assert.equal(logged[0].messages[0].text, 'What is 2+2?');
    assert.deepEqual(logged[0].options.modelOptions, { temperature: 0.2 });
  });

  test('USE_TOOL with tools offered returns a tool call for the first tool', async () => {
    const tools = [{ name: 'lookup', description: 'Looks up a word', inputSchema: { type: 'object', properties: { word: { type: 'string' } }, required: ['word'] } }];
    const reply = await vs.invoke('e2eTest.sendRequest', { selector: { id: 'e2e-fast' }, prompt: 'please USE_TOOL now', tools });
    assert.equal(reply.toolCalls.length, 1);
    assert.equal(reply.toolCalls[0].name, 'lookup');
    assert.deepEqual(reply.toolCalls[0].input, { word: 'e2e' });
  });

  test('FAIL in the prompt makes the stream throw midway', async () => {
    await assert.rejects(vs.invoke('e2eTest.sendRequest', { selector: { id: 'e2e-fast' }, prompt: 'please FAIL' }), /failed midway/);
    assert.ok(vs.modelLog().some((e) => e.event === 'failed'));
  });

  test('SLOW streams in many small chunks and stops when cancelled', async () => {
    const reply = await vs.invoke('e2eTest.sendRequest', { selector: { id: 'e2e-smart' }, prompt: 'SLOW please', cancelAfterMs: 900 });
    assert.equal(reply.cancelled, true);
    assert.ok(reply.ms < 3000, `stopped early (${reply.ms} ms)`);
    const full = '[e2e-smart] reply to: SLOW please';
    assert.ok(reply.text.length > 0 && reply.text.length < full.length && full.startsWith(reply.text), JSON.stringify(reply.text));
    await waitFor(() => vs.modelLog().some((e) => e.event === 'cancelled' && e.modelId === 'e2e-smart'), 3000, { message: 'model logged the cancellation' });
  });

  test('screenshot of the plain workbench', async () => {
    const path = await vs.screenshot('harness-workbench');
    assert.ok(existsSync(path));
  });
});
