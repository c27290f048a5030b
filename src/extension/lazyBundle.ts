import * as path from 'node:path';
import { requireWithCodeCache } from './codeCache';

/**
 * dist/sdk.js: the packages the core evaluates only on first use of what
 * needs them (the MCP SDKs, the Public Suffix List…), a bundle of their
 * own so that loading the core neither reads nor compiles them. The core's
 * imports of those packages are facades (see lazyModules in
 * scripts/build.mjs) that call {@link sdkBundle} on first use. Under tsx
 * (tests) the imports are plain, and nothing calls this.
 *
 * dist/zod.js: zod, apart: our sampling request schemas use it, and the
 * SDKs in dist/sdk.js use the same instance (see {@link zodBundle}). The
 * server entries' schemas are zod/mini, in core.js (src/host/configSchema.ts).
 */
let cacheDir: string | undefined;
let sdk: Record<string, Record<string, unknown>> | undefined;
let zod: Record<string, unknown> | undefined;

/** Where the V8 code caches of dist/sdk.js and dist/zod.js go (the core's, set before anything loads). */
export function setSdkCacheDir(dir: string | undefined): void {
  cacheDir = dir;
}

/**
 * The exports of dist/zod.js, loaded once, through the code cache: the zod
 * exports that dist/sdk.js and our sources read (see zodNames in
 * scripts/zodNames.mjs), and so also what our `z.name` reads (zod's `z`).
 */
export function zodBundle(): Record<string, unknown> {
  zod ??= requireWithCodeCache<Record<string, unknown>>(path.join(__dirname, 'zod.js'), cacheDir, () =>
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('./zod.js'),
  );
  return zod;
}

/**
 * The exports of dist/sdk.js, loaded once, through the code cache. Its
 * `require('./zod.js')` (the SDKs' zod) gets {@link zodBundle}: the one instance.
 */
export function sdkBundle(): Record<string, Record<string, unknown>> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const req = (id: string): unknown => (id === './zod.js' ? zodBundle() : require(id));
  sdk ??= requireWithCodeCache<Record<string, Record<string, unknown>>>(
    path.join(__dirname, 'sdk.js'),
    cacheDir,
    // Without a code cache, both through Node's require: its module cache makes the one instance.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    () => require('./sdk.js'),
    undefined,
    req,
  );
  return sdk;
}
