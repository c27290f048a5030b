import { mkdir, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Script } from 'node:vm';
import { wrap } from 'node:module';

/**
 * Loads a CommonJS bundle next to this one with V8's code cache: the first
 * load compiles it and, once it has run, writes the compiled code to
 * `cacheDir`; later loads (new windows) skip most of the parsing and
 * compiling, which is most of the cost of loading the host core. Scoped to
 * this one file (Node's `module.enableCompileCache` would switch the cache on
 * for every extension in the extension host). V8 rejects a cache made for
 * other source or another V8, and then this is a plain load that writes a
 * fresh cache. Any failure falls back to `require`.
 *
 * Much of the bundle is evaluated after the load, on first use of what needs
 * it (the MCP SDK when a server connects: see lazyModules in
 * scripts/build.mjs), so a fresh cache is written again `refreshMs` later,
 * then holding what was compiled meanwhile.
 *
 * `req` is the bundle's `require` (what the bundle requires: Node's modules,
 * and dist/sdk.js's `./zod.js`, answered with the core's instance).
 */
export function requireWithCodeCache<T>(file: string, cacheDir: string | undefined, fallback: () => T, refreshMs = 60_000, req: (id: string) => unknown = require): T {
  if (!cacheDir) return fallback();
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch {
    return fallback();
  }
  const cacheFile = path.join(cacheDir, `${path.basename(file)}.${process.versions.v8}.cache`);
  let cached: Buffer | undefined;
  try {
    cached = readFileSync(cacheFile);
  } catch {
    cached = undefined;
  }
  const script = new Script(wrap(source), { filename: file, cachedData: cached });
  const module = { exports: {} as T };
  const load = script.runInThisContext() as (exports: T, req: (id: string) => unknown, module: { exports: T }, filename: string, dirname: string) => void;
  load.call(module.exports, module.exports, req, module, file, path.dirname(file));
  if (!cached || script.cachedDataRejected) {
    // After the run: the cache then also holds the functions the load compiled.
    const write = (data: Buffer) =>
      void mkdir(cacheDir, { recursive: true })
        .then(() => writeFile(cacheFile, data))
        .catch(() => undefined);
    write(script.createCachedData());
    setTimeout(() => write(script.createCachedData()), refreshMs).unref();
  }
  return module.exports;
}

/** The code caches' folder in the extension's global storage (none without one). */
export function codeCacheDir(context: { globalStorageUri?: { fsPath: string } }): string | undefined {
  return context.globalStorageUri?.fsPath ? path.join(context.globalStorageUri.fsPath, 'code-cache') : undefined;
}
