// requireWithCodeCache: the lazy core's loader (V8 code cache in the extension's storage).
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { requireWithCodeCache } from '../../src/extension/codeCache';

const dir = mkdtempSync(path.join(tmpdir(), 'code-cache-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function cacheFiles(cacheDir: string): Promise<string[]> {
  for (let i = 0; i < 100 && !(existsSync(cacheDir) && readdirSync(cacheDir).length > 0); i++) await new Promise((r) => setTimeout(r, 20));
  return existsSync(cacheDir) ? readdirSync(cacheDir) : [];
}

describe('requireWithCodeCache', () => {
  it('loads a CommonJS file with its own module scope, writes a cache, and loads the same from it', async () => {
    const file = path.join(dir, 'mod.js');
    writeFileSync(file, "const path = require('node:path');\nmodule.exports = { name: path.basename(__filename), twice: (n) => n * 2, self: this === module.exports };\n");
    const cacheDir = path.join(dir, 'cache');
    const fallback = () => {
      throw new Error('fallback used');
    };
    const first = requireWithCodeCache<{ name: string; twice(n: number): number; self: boolean }>(file, cacheDir, fallback);
    assert.deepEqual([first.name, first.twice(21), first.self], ['mod.js', 42, true]);
    const files = await cacheFiles(cacheDir);
    assert.equal(files.length, 1);
    assert.match(files[0], /^mod\.js\..+\.cache$/);
    const second = requireWithCodeCache<{ twice(n: number): number }>(file, cacheDir, fallback);
    assert.equal(second.twice(4), 8);
  });

  it('rewrites a cache V8 rejects (another source), and still loads the file', async () => {
    const file = path.join(dir, 'changed.js');
    const cacheDir = path.join(dir, 'cache2');
    writeFileSync(file, 'module.exports = 1;\n');
    requireWithCodeCache(file, cacheDir, () => 0);
    const [name] = await cacheFiles(cacheDir);
    writeFileSync(path.join(cacheDir, name), 'not a V8 cache');
    writeFileSync(file, 'module.exports = 2;\n');
    assert.equal(requireWithCodeCache(file, cacheDir, () => 0), 2);
    // The rewrite is asynchronous: wait for it (and so that nothing writes into the folder once the tests end).
    const rewritten = () => readFileSync(path.join(cacheDir, name), 'utf8') !== 'not a V8 cache';
    for (let i = 0; i < 250 && !rewritten(); i++) await new Promise((r) => setTimeout(r, 20));
    assert.ok(rewritten(), 'the rejected cache was not rewritten');
  });

  it('writes the cache again later, with what was compiled after the load', async () => {
    const file = path.join(dir, 'later.js');
    // A function compiled only when first called, after the load.
    const body = Array.from({ length: 200 }, (_, i) => `  total += (n * ${i}) % 7;`).join('\n');
    writeFileSync(file, `module.exports = { later(n) {\n  let total = 0;\n${body}\n  return total;\n} };\n`);
    const cacheDir = path.join(dir, 'cache4');
    const mod = requireWithCodeCache<{ later(n: number): number }>(file, cacheDir, () => assert.fail('fallback used'), 300);
    // The first cache is made when the load returns, before this call.
    assert.equal(typeof mod.later(3), 'number');
    const [name] = await cacheFiles(cacheDir);
    // A few KB go out in one write: a size above 0 is the whole first cache.
    let first = 0;
    for (let i = 0; i < 250 && first === 0; i++) first = statSync(path.join(cacheDir, name)).size || (await new Promise((r) => setTimeout(r, 20)), 0);
    let size = first;
    for (let i = 0; i < 250 && size === first; i++) {
      await new Promise((r) => setTimeout(r, 20));
      size = statSync(path.join(cacheDir, name)).size;
    }
    assert.ok(size > first, `the cache grew from ${first} bytes (got ${size})`);
  });

  it("gives the file the require it is passed (dist/sdk.js's ./zod.js is the core's instance)", async () => {
    const file = path.join(dir, 'user.js');
    writeFileSync(file, "const shared = require('./shared.js');\nconst os = require('node:os');\nmodule.exports = { shared, eol: os.EOL };\n");
    const instance = { one: true };
    const asked: string[] = [];
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const req = (id: string): unknown => (asked.push(id), id === './shared.js' ? instance : require(id));
    const mod = requireWithCodeCache<{ shared: unknown; eol: string }>(file, path.join(dir, 'cache5'), () => assert.fail('fallback used'), 60_000, req);
    assert.equal(mod.shared, instance);
    assert.equal(typeof mod.eol, 'string');
    assert.deepEqual(asked, ['./shared.js', 'node:os']);
    // Its cache is written asynchronously: wait, so that nothing writes into the folder once the tests end.
    assert.equal((await cacheFiles(path.join(dir, 'cache5'))).length, 1);
  });

  it('falls back to require without a storage folder or when the file cannot be read', () => {
    assert.equal(requireWithCodeCache(path.join(dir, 'x.js'), undefined, () => 'plain'), 'plain');
    assert.equal(requireWithCodeCache(path.join(dir, 'missing.js'), path.join(dir, 'c3'), () => 'plain'), 'plain');
  });
});
