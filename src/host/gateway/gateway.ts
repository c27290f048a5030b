import { createHash, randomUUID } from 'node:crypto';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { toNodeHandler } from '@modelcontextprotocol/node';
import { createMcpHandler, isInitializeRequest, isLegacyRequest, WebStandardStreamableHTTPServerTransport, type McpHttpHandler, type Server } from '@modelcontextprotocol/server';
import type { McpConnection } from '../connection';
import { Disposable, type IDisposable } from '../disposable';
import { describeError } from '../errors';
import { Emitter, type Event } from '../events';
import type { ServerManager } from '../serverManager';
import type { LogSink } from '../types';
import { checkAccess, newSecret, SECRET_HEADER } from './access';
import { distinctNames } from './names';
import { createRelayServer, type RelayTarget } from './relay';

/** What the gateway needs of the host's servers (the ServerManager). */
export type GatewayServers = Pick<ServerManager, 'list' | 'get' | 'ensureRunning' | 'callTool' | 'onDidChange'>;

export interface GatewayOptions {
  servers: GatewayServers;
  log: LogSink;
  /** The global switch (a setting): false hides every server from chat. */
  enabled?(): boolean;
  /** Legacy sessions kept per server; the oldest closes beyond it. */
  maxSessionsPerServer?: number;
}

/** One server as chat sees it through the gateway. */
export interface GatewayDefinition {
  /** The configured name: the definition's label. */
  server: string;
  /** The name the gateway reports (VS Code's tool prefix). */
  gatewayName: string;
  url: string;
  headers: Record<string, string>;
  /**
   * Changes whenever the server's connection, the gateway's port or its secret
   * does (a new window has new ones), so VS Code treats the tools it cached as
   * outdated and reconnects.
   */
  version: string;
}

interface LegacySession {
  transport: WebStandardStreamableHTTPServerTransport;
  server: Server;
}

/** The per-server half of the gateway: its modern handler and legacy sessions. */
class Endpoint {
  readonly sessions = new Map<string, LegacySession>();
  connection: McpConnection | undefined;
  listSub: IDisposable | undefined;
  generation = 0;
  constructor(readonly modern: McpHttpHandler) {}

  async closeSessions(): Promise<void> {
    const sessions = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.allSettled(sessions.map((s) => s.server.close()));
  }
}

/**
 * An MCP Streamable HTTP endpoint on 127.0.0.1 that relays to the host's
 * servers, one path per server, for VS Code chat and any agent it serves.
 * Both eras: 2025-era clients (VS Code's) get sessions with an event stream,
 * 2026-07-28 clients the stateless per-request path. Every request passes
 * the Host, Origin and secret checks first.
 */
export class McpGateway extends Disposable {
  readonly secret = newSecret();
  private http: HttpServer | undefined;
  private port = 0;
  /** Part of every definition's version: a digest of this listener's port and secret. */
  private listenerTag = '';
  private readonly endpoints = new Map<string, Endpoint>();
  private readonly _onDidChangeDefinitions = this._register(new Emitter<void>());
  /** The exposed set, a server's connection or its gateway name changed. */
  readonly onDidChangeDefinitions: Event<void> = this._onDidChangeDefinitions.event;
  private lastKey = '';
  private names = new Map<string, string>();

  constructor(private readonly options: GatewayOptions) {
    super();
    this._register(options.servers.onDidChange(() => this.sync()));
  }

  /** Starts listening on a random loopback port (idempotent). */
  async listen(): Promise<void> {
    if (this.http) return;
    const handle = toNodeHandler({ fetch: (request) => this.fetch(request) }, { onerror: (err) => this.options.log.warn(`Gateway: ${describeError(err)}`) });
    const http = createServer((req, res) => {
      // An event stream's headers go out at once (Node would hold them until the first event or keep-alive).
      const writeHead = res.writeHead.bind(res) as (status: number, headers?: Record<string, string>) => typeof res;
      res.writeHead = ((status: number, headers?: Record<string, string>) => {
        const r = writeHead(status, headers);
        if (/text\/event-stream/.test(String(res.getHeader('content-type') ?? headers?.['content-type'] ?? ''))) res.flushHeaders();
        return r;
      }) as typeof res.writeHead;
      void handle(req, res);
    });
    this.http = http;
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(0, '127.0.0.1', () => resolve());
    });
    this.port = (http.address() as AddressInfo).port;
    this.listenerTag = createHash('sha256').update(`${this.port}\n${this.secret}`).digest('hex').slice(0, 12);
    this.options.log.info(`Gateway for chat listening on 127.0.0.1:${this.port}`);
    this.sync();
  }

  /** The servers chat may use now: exposed and running. */
  definitions(): GatewayDefinition[] {
    if (!this.http || this.options.enabled?.() === false) return [];
    return this.options.servers
      .list()
      .filter((s) => s.config.exposeToChat && s.state.kind === 'running' && s.connection)
      .map((s) => ({
        server: s.name,
        gatewayName: this.names.get(s.name) ?? s.name,
        url: this.urlFor(s.name),
        headers: { [SECRET_HEADER]: this.secret },
        version: `${this.endpoint(s.name).generation}.${this.listenerTag}`,
      }));
  }

  urlFor(server: string): string {
    return `http://127.0.0.1:${this.port}/mcp/${encodeURIComponent(server)}`;
  }

  private exposed(name: string): boolean {
    return this.options.enabled?.() !== false && this.options.servers.get(name)?.config.exposeToChat === true;
  }

  /** Re-reads what is exposed (after the global setting changed). */
  refresh(): void {
    this.sync();
  }

  /** Follows the host's servers: relays list_changed, drops what left, announces definition changes. */
  private sync(): void {
    const views = this.options.servers.list();
    this.names = distinctNames(views.filter((s) => s.config.exposeToChat).map((s) => ({ configured: s.name, reported: s.connection?.serverInfo?.name })));
    for (const [name, endpoint] of this.endpoints) {
      const view = views.find((s) => s.name === name);
      const connection = view && view.state.kind === 'running' && this.exposed(name) ? view.connection : undefined;
      if (connection === endpoint.connection) continue;
      endpoint.listSub?.dispose();
      endpoint.listSub = undefined;
      const hadOne = endpoint.connection !== undefined;
      endpoint.connection = connection;
      endpoint.generation++;
      if (connection) {
        endpoint.listSub = connection.onDidChangeLists((kind) => this.listChanged(endpoint, kind));
        // A restarted server may list other tools: sessions that outlived the old connection refetch.
        if (hadOne) this.listChanged(endpoint, 'tools');
      } else {
        void endpoint.closeSessions();
      }
      if (!view) {
        this.endpoints.delete(name);
        void endpoint.modern.close();
      }
    }
    const key = JSON.stringify(this.definitions().map((d) => [d.server, d.gatewayName, d.version]));
    if (key !== this.lastKey) {
      this.lastKey = key;
      this._onDidChangeDefinitions.fire();
    }
  }

  private listChanged(endpoint: Endpoint, kind: 'tools' | 'prompts' | 'resources'): void {
    for (const { server } of endpoint.sessions.values()) {
      const send = kind === 'tools' ? server.sendToolListChanged() : kind === 'prompts' ? server.sendPromptListChanged() : server.sendResourceListChanged();
      send.catch(() => undefined);
    }
    if (kind === 'tools') endpoint.modern.notify.toolsChanged();
    else if (kind === 'prompts') endpoint.modern.notify.promptsChanged();
    else endpoint.modern.notify.resourcesChanged();
  }

  private endpoint(name: string): Endpoint {
    let endpoint = this.endpoints.get(name);
    if (!endpoint) {
      const modern = createMcpHandler(async () => createRelayServer(this.target(name), await this.target(name).connection()), {
        legacy: 'reject',
        onerror: (err) => this.options.log.debug(`Gateway (${name}): ${describeError(err)}`),
      });
      endpoint = new Endpoint(modern);
      this.endpoints.set(name, endpoint);
      const view = this.options.servers.get(name);
      if (view?.state.kind === 'running' && view.connection) {
        endpoint.connection = view.connection;
        endpoint.listSub = view.connection.onDidChangeLists((kind) => this.listChanged(endpoint!, kind));
      }
    }
    return endpoint;
  }

  private target(name: string): RelayTarget {
    const servers = this.options.servers;
    return {
      server: name,
      gatewayName: this.names.get(name) ?? name,
      log: this.options.log,
      connection: async () => {
        await servers.ensureRunning(name);
        const connection = servers.get(name)?.connection;
        if (!connection) throw new Error(`Server "${name}" is not running`);
        return connection;
      },
      callTool: (tool, args, options) => servers.callTool(name, tool, args, options),
    };
  }

  /** Serves one HTTP request (the fetch face behind the Node listener). */
  async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const refused = checkAccess(request, this.secret);
    if (refused) {
      this.options.log.warn(`Gateway refused ${request.method} ${url.pathname.slice(0, 200)} with ${refused.status}: ${refused.reason}`);
      return refused.response;
    }
    const match = /^\/mcp\/([^/]+)$/.exec(url.pathname);
    let name: string | undefined;
    try {
      name = match ? decodeURIComponent(match[1]) : undefined;
    } catch {
      name = undefined;
    }
    if (name === undefined || !this.exposed(name)) return jsonError(404, -32601, 'No such server on this gateway');
    const endpoint = this.endpoint(name);
    if (await isLegacyRequest(request)) return this.legacy(name, endpoint, request);
    return endpoint.modern.fetch(request);
  }

  /** 2025-era traffic: one session (relay server + transport) per initialize. */
  private async legacy(name: string, endpoint: Endpoint, request: Request): Promise<Response> {
    const sessionId = request.headers.get('mcp-session-id');
    if (sessionId !== null) {
      const session = endpoint.sessions.get(sessionId);
      if (!session) return jsonError(404, -32001, 'Session not found');
      return session.transport.handleRequest(request);
    }
    if (request.method !== 'POST') return jsonError(405, -32000, 'Method not allowed without a session');
    let body: unknown;
    try {
      body = await request.clone().json();
    } catch {
      body = undefined;
    }
    if (!isInitializeRequest(body)) return jsonError(400, -32000, 'Bad Request: no session; send initialize first');
    let connection: McpConnection;
    try {
      connection = await this.target(name).connection();
    } catch (err) {
      this.options.log.warn(`Gateway: ${name} is not available to chat: ${describeError(err)}`);
      return jsonError(503, -32603, describeError(err));
    }
    const server = createRelayServer(this.target(name), connection);
    const transport: WebStandardStreamableHTTPServerTransport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        endpoint.sessions.set(id, { transport, server });
        this.evictOldSessions(endpoint);
      },
      onsessionclosed: (id) => void endpoint.sessions.delete(id),
    });
    transport.onclose = () => {
      if (transport.sessionId) endpoint.sessions.delete(transport.sessionId);
    };
    await server.connect(transport);
    return transport.handleRequest(request);
  }

  private evictOldSessions(endpoint: Endpoint): void {
    const max = this.options.maxSessionsPerServer ?? 16;
    for (const [id, session] of endpoint.sessions) {
      if (endpoint.sessions.size <= max) break;
      endpoint.sessions.delete(id);
      void session.server.close();
    }
  }

  /** Closes every session and the listener. */
  async close(): Promise<void> {
    const endpoints = [...this.endpoints.values()];
    this.endpoints.clear();
    for (const e of endpoints) e.listSub?.dispose();
    await Promise.allSettled(endpoints.flatMap((e) => [e.closeSessions(), e.modern.close()]));
    const http = this.http;
    this.http = undefined;
    if (http) {
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    }
  }

  override dispose(): void {
    void this.close();
    super.dispose();
  }
}

function jsonError(status: number, code: number, message: string): Response {
  return Response.json({ jsonrpc: '2.0', error: { code, message }, id: null }, { status });
}
