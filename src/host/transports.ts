import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve as resolvePath } from 'node:path';
import { SdkHttpError, SSEClientTransport, StreamableHTTPClientTransport, type OAuthClientProvider, type Transport } from '@modelcontextprotocol/client';
import { getDefaultEnvironment } from '@modelcontextprotocol/client/stdio';
import type { ServerConfig } from './config';
import { parseEnvFile } from './config';
import { HostStdioTransport } from './stdioTransport';

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

/** Creates the stdio transport (the host's own: process groups, malformed requests answered); stderr is piped so the host can log it. */
export async function createStdioTransport(config: StdioConfig, baseDir: string | undefined): Promise<HostStdioTransport> {
  const cwd = config.cwd ? (isAbsolute(config.cwd) || !baseDir ? config.cwd : resolvePath(baseDir, config.cwd)) : baseDir;
  return new HostStdioTransport({
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
 * Whether a failed Streamable HTTP handshake means "this is an older HTTP+SSE
 * server": the spec says to fall back on HTTP 400, 404 or 405. Only the SDK's
 * HTTP error carries a real status; error text and JSON-RPC error codes are
 * the server's to choose, so a "404" there decides nothing.
 */
export function shouldFallBackToSse(err: unknown): boolean {
  if (!(err instanceof SdkHttpError)) return false;
  return err.status === 400 || err.status === 404 || err.status === 405;
}
