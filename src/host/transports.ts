import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve as resolvePath } from 'node:path';
import { SdkHttpError, SSEClientTransport, StreamableHTTPClientTransport, type OAuthClientProvider, type Transport } from '@modelcontextprotocol/client';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import type { ServerConfig } from './config';
import { parseEnvFile } from './config';

type StdioConfig = Extract<ServerConfig, { type: 'stdio' }>;
type RemoteConfig = Extract<ServerConfig, { type: 'http' | 'sse' }>;

/**
 * The environment a stdio server gets: the SDK's safe defaults (HOME, PATH, …),
 * then the env file, then the entry's `env` — passed explicitly, because the
 * SDK inherits nothing else.
 */
export async function buildStdioEnv(config: StdioConfig, baseDir: string | undefined): Promise<Record<string, string>> {
  const env: Record<string, string> = { ...getDefaultEnvironment() };
  if (config.envFile) {
    const path = isAbsolute(config.envFile) || !baseDir ? config.envFile : resolvePath(baseDir, config.envFile);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      throw new Error(`cannot read envFile ${path}: ${(err as Error).message}`);
    }
    Object.assign(env, parseEnvFile(text));
  }
  Object.assign(env, config.env);
  return env;
}

/** Creates the stdio transport; stderr is piped so the host can log it. */
export async function createStdioTransport(config: StdioConfig, baseDir: string | undefined): Promise<StdioClientTransport> {
  const cwd = config.cwd ? (isAbsolute(config.cwd) || !baseDir ? config.cwd : resolvePath(baseDir, config.cwd)) : baseDir;
  return new StdioClientTransport({
    command: config.command,
    args: config.args,
    env: await buildStdioEnv(config, baseDir),
    cwd,
    stderr: 'pipe',
  });
}

/**
 * Streamable HTTP first; `sse` only when configured or as the fallback.
 * `authProvider` (OAuth) is handed to the SDK, which handles 401 and step-up.
 */
export function createRemoteTransport(config: RemoteConfig, kind: 'streamable' | 'sse', authProvider?: OAuthClientProvider): Transport {
  const url = new URL(config.url);
  const requestInit: RequestInit = { headers: config.headers };
  return kind === 'sse' ? new SSEClientTransport(url, { requestInit, authProvider }) : new StreamableHTTPClientTransport(url, { requestInit, authProvider });
}

/**
 * Whether a failed Streamable HTTP connect means "this is an older HTTP+SSE
 * server": the spec says to fall back on 400, 404 or 405.
 */
export function shouldFallBackToSse(err: unknown): boolean {
  const status = err instanceof SdkHttpError ? err.status : statusFromMessage(err);
  return status === 400 || status === 404 || status === 405;
}

function statusFromMessage(err: unknown): number | undefined {
  const status = (err as { status?: unknown; code?: unknown })?.status ?? (err as { code?: unknown })?.code;
  if (typeof status === 'number') return status;
  const match = /\b(400|404|405)\b/.exec(err instanceof Error ? err.message : '');
  return match ? Number(match[1]) : undefined;
}
