// zodNames: which of zod's exports dist/zod.js must offer (scripts/build.mjs builds it with those alone).
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { zodNames } from '../../scripts/zodNames.mjs';

const dir = mkdtempSync(path.join(tmpdir(), 'zod-names-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let count = 0;
const file = (text: string, ext = 'ts'): string => {
  const f = path.join(dir, `m${count++}.${ext}`);
  writeFileSync(f, text);
  return f;
};
const sorted = (names: Set<string> | undefined) => (names ? [...names].sort() : names);

describe('zodNames', () => {
  it("reads the members of a namespace (the SDKs' `import * as z`) and named imports", () => {
    const sdk = file("import * as z from 'zod/v4';\nexport const A = z.object({ a: z.string().min(1), b: z.array(z.number()) }).strict();\nexport const B = z?.union([A, z.null()]);\n", 'mjs');
    const ours = file("import { z, ZodError } from 'zod';\nexport const S = z.enum(['a']);\nexport const isError = (e: unknown) => e instanceof ZodError;\n");
    assert.deepEqual(sorted(zodNames([sdk, ours])), ['ZodError', 'array', 'enum', 'null', 'number', 'object', 'string', 'union']);
  });

  it('leaves out types and type-only imports, and names that are not reads of the namespace', () => {
    const f = file(
      [
        "import { z } from 'zod';",
        "import type { ZodType } from 'zod';",
        "import { type ZodError, boolean } from 'zod';",
        'export type T = z.infer<typeof S>;',
        'export interface I { z: z.ZodString }',
        'export const S = z.string();',
        'const other = { z: 1 };',
        'export const n = other.z;',
        'export function f(e: ZodError, t: ZodType) { return [e, t, boolean]; }',
        "export { S as z };",
      ].join('\n'),
    );
    assert.deepEqual(sorted(zodNames([f])), ['boolean', 'string']);
  });

  it('needs all of zod when a namespace is used other than by reading a member', () => {
    for (const use of ['register(z);', 'z[name]();', 'export const all = { ...z };', 'export { z };', 'export const w = { z };']) {
      const f = file(`import * as z from 'zod/v4';\ndeclare const name: string;\ndeclare function register(x: unknown): void;\nexport const s = z.string();\n${use}\n`);
      assert.equal(zodNames([f]), undefined, use);
    }
    assert.equal(zodNames([file("import zod from 'zod';\nexport const s = zod.string();\n")]), undefined, 'a default import');
  });

  it('finds in the SDKs we bundle only member reads: dist/zod.js need not be all of zod', () => {
    const root = path.resolve(import.meta.dirname, '../../node_modules/@modelcontextprotocol');
    const files = readdirSync(root).flatMap((pkg) => {
      const dist = path.join(root, pkg, 'dist');
      return readdirSync(dist)
        .filter((f) => f.endsWith('.mjs'))
        .map((f) => path.join(dist, f))
        .filter((f) => /from ["']zod(\/v4)?["']/.test(readFileSync(f, 'utf8')));
    });
    assert.ok(files.length > 0);
    const names = zodNames(files);
    assert.ok(names, 'an SDK module uses zod as a whole');
    for (const n of ['object', 'string', 'union', 'toJSONSchema']) assert.ok(names.has(n), n);
    assert.ok(!names.has('fromJSONSchema'));
  });
});
