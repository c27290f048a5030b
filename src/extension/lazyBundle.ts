import * as path from 'node:path';
import { requireWithCodeCache } from './codeCache';

/**
 * dist/sdk.js: the packages the core evaluates only on first use of what
 * needs them (the MCP SDKs, zod, the Public Suffix List…), a bundle of their
 * own so that loading the core neither reads nor compiles them. The core's
 * imports of those packages are facades (see lazyModules in
 * scripts/build.mjs) that call {@link sdkBundle} on first use. Under tsx
 * (tests) the imports are plain, and nothing calls this.
 */
let cacheDir: string | undefined;
let sdk: Record<string, Record<string, unknown>> | undefined;

/** Where the V8 code cache of dist/sdk.js goes (the core's, set before anything loads). */
export function setSdkCacheDir(dir: string | undefined): void {
  cacheDir = dir;
}

/** The exports of dist/sdk.js, loaded once, through the code cache. */
export function sdkBundle(): Record<string, Record<string, unknown>> {
  sdk ??= requireWithCodeCache<Record<string, Record<string, unknown>>>(path.join(__dirname, 'sdk.js'), cacheDir, () =>
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('./sdk.js'),
  );
  return sdk;
}
