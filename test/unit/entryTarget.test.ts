// "Set Sampling Policy…" and "Always allow" write a server's entry back where
// it was read from: the scope choice and the entry update, without VS Code.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseServersSetting, type ConfigSource } from '../../src/host/config';
import { entryTarget, withSamplingPolicy } from '../../src/extension/entryTarget';

const ctx = { workspaceFolder: '/repo', userHome: '/home/me', env: {} };
const api = { name: 'api', path: '/work/api' };
const web = { name: 'web', path: '/work/web' };

/** The origins parseServersSetting gives each server, as the extension's serverSources reads them. */
function origins(sources: ConfigSource[]) {
  const parsed = parseServersSetting(sources, ctx);
  assert.deepEqual(parsed.issues, []);
  return new Map(parsed.servers.map((s) => [s.name, s.origin]));
}

describe('which settings scope an entry is written back to', () => {
  it('user settings for a user entry, in any window', () => {
    const o = origins([{ scope: 'user', value: { mine: { command: 'x' } } }]);
    assert.deepEqual(entryTarget(o.get('mine')!, false), { scope: 'user' });
    assert.deepEqual(entryTarget(o.get('mine')!, true), { scope: 'user' });
  });

  it('the workspace settings for an entry of a single-folder window (the folder\'s own file)', () => {
    const o = origins([{ scope: 'workspace', folder: api, file: '/work/api/.vscode/settings.json', value: { repo: { command: 'x' } } }]);
    assert.deepEqual(entryTarget(o.get('repo')!, false), { scope: 'workspace' });
  });

  it('in a multi-root workspace: the .code-workspace file, or the folder whose settings define the entry', () => {
    const o = origins([
      { scope: 'user', value: {} },
      { scope: 'workspace', file: '/work/all.code-workspace', value: { shared: { command: 'x' } } },
      { scope: 'workspace', folder: api, file: '/work/api/.vscode/settings.json', value: { db: { command: 'x' } } },
      { scope: 'workspace', folder: web, file: '/work/web/.vscode/settings.json', value: { cdn: { command: 'x' } } },
    ]);
    assert.deepEqual(entryTarget(o.get('shared')!, true), { scope: 'workspace' });
    assert.deepEqual(entryTarget(o.get('db')!, true), { scope: 'workspaceFolder', folderPath: '/work/api' });
    assert.deepEqual(entryTarget(o.get('cdn')!, true), { scope: 'workspaceFolder', folderPath: '/work/web' });
  });

  it('a name two folders define is written to the folder of the entry picked, under the name as written', () => {
    const o = origins([
      { scope: 'workspace', folder: api, file: '/work/api/.vscode/settings.json', value: { same: { command: 'a' } } },
      { scope: 'workspace', folder: web, file: '/work/web/.vscode/settings.json', value: { same: { command: 'b' } } },
    ]);
    const targets = [...o.values()].map((origin) => entryTarget(origin, true));
    assert.deepEqual(targets, [{ scope: 'workspaceFolder', folderPath: '/work/api' }, { scope: 'workspaceFolder', folderPath: '/work/web' }]);
  });
});

describe('the entry with its new policy', () => {
  it('sets samplingPolicy in that entry and leaves every other field and server as they were', () => {
    const servers = { a: { command: 'x', args: ['--y'], samplingPolicy: 'ask', maxTokens: 100 }, b: { type: 'http', url: 'https://b.example/mcp' } };
    assert.deepEqual(withSamplingPolicy(servers, 'a', 'deny'), { a: { command: 'x', args: ['--y'], samplingPolicy: 'deny', maxTokens: 100 }, b: servers.b });
    assert.deepEqual(withSamplingPolicy(servers, 'b', 'approvePrompt'), { a: servers.a, b: { type: 'http', url: 'https://b.example/mcp', samplingPolicy: 'approvePrompt' } });
    assert.equal(servers.a.samplingPolicy, 'ask', 'the value read from VS Code is not modified');
  });

  it('finds no entry where the scope has none, or where the value is not an object of entries', () => {
    assert.equal(withSamplingPolicy(undefined, 'a', 'auto'), undefined);
    assert.equal(withSamplingPolicy({ b: { command: 'x' } }, 'a', 'auto'), undefined);
    assert.equal(withSamplingPolicy({ a: 'not an entry' }, 'a', 'auto'), undefined);
    assert.equal(withSamplingPolicy([{ command: 'x' }], '0', 'auto'), undefined);
    assert.equal(withSamplingPolicy({}, 'toString', 'auto'), undefined, 'inherited names are not entries');
  });
});
