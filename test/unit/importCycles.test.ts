// No import circle between the modules of src/ (runtime imports; `import type`
// erases at build time). A circle is how wiring problems (getters to break a
// cycle, module state) start; the composition root (host/createHost.ts) is
// where pieces meet instead.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ROOT } from '../support/hostHarness';

const SRC = path.join(ROOT, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [full] : [];
  });
}

/** The relative modules a file imports at run time. */
function runtimeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs: string[] = [];
  // import x from '…' / import { a } from '…' / export { a } from '…' / export * from '…' / import '…'
  const re = /^\s*(import|export)\s+(type\s+)?([^'";]*?\s+from\s+)?['"](\.[^'"]+)['"]/gm;
  for (const m of text.matchAll(re)) {
    if (m[2]) continue; // `import type` / `export type`
    const names = m[3] ?? '';
    // `import { type A, type B } from` imports nothing at run time.
    const inner = /\{([^}]*)\}/.exec(names)?.[1];
    if (inner !== undefined && !/^\s*[\w$]+\s*,|^\s*[\w$]+\s+from/.test(names) && inner.split(',').every((n) => n.trim() === '' || n.trim().startsWith('type '))) continue;
    specs.push(m[4]);
  }
  return specs.flatMap((spec) => {
    const base = path.resolve(path.dirname(file), spec.replace(/\.js$/, ''));
    const hit = [`${base}.ts`, path.join(base, 'index.ts')].find((p) => existsSync(p));
    return hit ? [hit] : [];
  });
}

/** Every import circle of a graph (module → modules it imports), each as a list ending where it began. */
function cycles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'active' | 'done'>();
  const stack: string[] = [];
  const visit = (f: string) => {
    state.set(f, 'active');
    stack.push(f);
    for (const next of graph.get(f) ?? []) {
      if (state.get(next) === 'active') found.push(stack.slice(stack.indexOf(next)).concat(next));
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(f, 'done');
  };
  for (const f of graph.keys()) if (!state.has(f)) visit(f);
  return found;
}

describe('imports', () => {
  it('form no circle in src/', () => {
    const graph = new Map(sourceFiles(SRC).map((f) => [f, runtimeImports(f)]));
    // The reader sees imports at all (a broken pattern would make this test pass vacuously).
    assert.ok(graph.get(path.join(SRC, 'host', 'createHost.ts'))?.includes(path.join(SRC, 'host', 'serverManager.ts')));
    assert.equal(graph.get(path.join(SRC, 'host', 'createHost.ts'))?.includes(path.join(SRC, 'host', 'config.ts')), false, 'a type-only import is no edge');
    assert.deepEqual(cycles(graph).map((c) => c.map((f) => path.relative(SRC, f))), []);
  });

  it('the search finds circles and ignores what only looks like one', () => {
    const graph = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a', 'd']],
      ['d', []],
      ['e', ['d']],
    ]);
    assert.deepEqual(cycles(graph), [['a', 'b', 'c', 'a']]);
    assert.deepEqual(cycles(new Map([['x', ['y']], ['y', []], ['z', ['y']]])), []);
  });
});
