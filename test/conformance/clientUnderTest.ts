// The client-under-test for the official MCP conformance suite: a headless
// host built by createHost, as the extension builds it (McpConnection, the
// HostClient inside it, the ElicitationCoordinator behind a RequestBroker).
// The suite starts it as `<command> <serverUrl>` with MCP_CONFORMANCE_SCENARIO
// (and MCP_CONFORMANCE_CONTEXT) set. It behaves like a person using the host:
// connect, call every listed tool (or the calls the scenario's context names),
// press Accept on every elicitation form without touching it, reject sampling.
//
// It writes what it managed to do to CUT_REPORT (a JSON file) so the runner can
// tell "passed because the client did the work" from "passed because the
// client gave up at the first 401".
import { writeFileSync } from 'node:fs';
import type { Tool } from '@modelcontextprotocol/client';
import { McpConnection } from '../../src/host/connection';
import { parseServersSetting } from '../../src/host/config';
import { createHost } from '../../src/host/createHost';
import { describeError } from '../../src/host/errors';
import { Emitter } from '../../src/host/events';
import type { RequestBroker } from '../../src/host/requests/broker';
import { SETTINGS } from '../../src/host/settings';
import type { LogSink, RootsProvider } from '../../src/host/types';
import { initialValues } from '../../src/shared/elicitation';
import type { ElicitationCard } from '../../src/shared/elicitationProtocol';
import { conformanceAuth } from './auth';

/** What the runner reads back. */
export interface CutReport {
  connected: boolean;
  /** The scenario only asks the client to connect and list. */
  listOnly: boolean;
  toolCalls: number;
  toolErrors: string[];
  error?: string;
}

const log: LogSink = {
  trace: () => undefined,
  debug: (m) => process.stderr.write(`debug ${m}\n`),
  info: (m) => process.stderr.write(`info ${m}\n`),
  warn: (m) => process.stderr.write(`warn ${m}\n`),
  error: (m) => process.stderr.write(`error ${m}\n`),
};

const roots: RootsProvider = { roots: () => [], onDidChangeRoots: new Emitter<void>().event };


/** The scenario's context (MCP_CONFORMANCE_CONTEXT), if any. */
function context(): Record<string, unknown> {
  const raw = process.env.MCP_CONFORMANCE_CONTEXT;
  if (!raw) return {};
  const parsed: unknown = JSON.parse(raw);
  return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
}

/** A person who presses Accept on every form as it was shown (defaults only). */
function acceptUntouchedForms(broker: RequestBroker): void {
  broker.onDidAdd((entry) => {
    const card = entry.card as ElicitationCard;
    queueMicrotask(() => {
      // The webview posts its values as JSON: fields left empty are absent.
      if (card.mode === 'form') broker.dispatch(entry.id, { type: 'accept', values: JSON.parse(JSON.stringify(initialValues(card.form))) });
      else broker.dispatch(entry.id, { type: 'decline' });
    });
  });
}

/** What a person would type into the required fields the form leaves empty. */
function argumentsFor(tool: Tool): Record<string, unknown> {
  const schema = tool.inputSchema as { properties?: Record<string, { type?: unknown; default?: unknown }>; required?: string[] };
  const args: Record<string, unknown> = {};
  for (const [name, prop] of Object.entries(schema.properties ?? {})) {
    if (prop.default !== undefined) args[name] = prop.default;
    else if (schema.required?.includes(name)) args[name] = sampleValue(prop.type);
  }
  return args;
}

function sampleValue(type: unknown): unknown {
  if (type === 'number' || type === 'integer') return 1;
  if (type === 'boolean') return false;
  if (type === 'array') return [];
  if (type === 'object') return {};
  return 'test';
}

/**
 * Scenarios whose mock serves only the handshake and tools/list (a person who
 * opens the server and looks at its tools). Calling a tool there gets -32601.
 */
const LIST_ONLY = new Set(['json-schema-ref-no-deref', 'request-metadata', 'initialize']);

function plannedCalls(connection: McpConnection, ctx: Record<string, unknown>): Array<{ name: string; arguments: Record<string, unknown> }> {
  if (LIST_ONLY.has(process.env.MCP_CONFORMANCE_SCENARIO ?? '')) return [];
  const fromContext = ctx.toolCalls;
  if (Array.isArray(fromContext)) return fromContext as Array<{ name: string; arguments: Record<string, unknown> }>;
  return connection.tools.map((tool) => ({ name: tool.name, arguments: argumentsFor(tool) }));
}

async function main(): Promise<void> {
  const serverUrl = process.argv[2];
  const reportPath = process.env.CUT_REPORT;
  const report: CutReport = { connected: false, listOnly: LIST_ONLY.has(process.env.MCP_CONFORMANCE_SCENARIO ?? ''), toolCalls: 0, toolErrors: [] };
  const save = () => reportPath && writeFileSync(reportPath, JSON.stringify(report));
  if (!serverUrl) throw new Error('usage: clientUnderTest <serverUrl>');
  const ctx = context();
  // The person's entry: sampling denied (no model is attached), started here rather than by the manager.
  const setting = { conformance: { type: 'http', url: serverUrl, samplingPolicy: 'deny', autoStart: false } };
  const parsed = parseServersSetting([{ scope: 'user', value: setting }], { userHome: '/tmp', env: {}, workspaceFolder: undefined });
  if (parsed.issues.length > 0) throw new Error(`bad server entry: ${JSON.stringify(parsed.issues)}`);
  const host = createHost({
    clientInfo: { name: 'mcp-approval-host-conformance', version: '0.0.0' },
    log,
    logFor: () => log,
    settings: { get: (key) => (key === SETTINGS.reviewTimeoutMinutes.key ? 10_000 / 60_000 : undefined) },
    models: { listModels: async () => [], onDidChangeModels: () => ({ dispose: () => undefined }), stream: () => (async function* () {})() },
    urlOpener: { confirmAndOpen: async () => 'dismissed' },
    roots,
    baseDir: () => undefined,
  });
  host.manager.applyConfig(parsed.servers, true);
  const { broker, sampling, elicitation } = host;
  acceptUntouchedForms(broker);
  try {
    const connection = await McpConnection.open(parsed.servers[0], {
      clientInfo: { name: 'mcp-approval-host-conformance', version: '0.0.0' },
      log,
      onStderrLine: () => undefined,
      sampling,
      elicitation,
      roots,
      connectTimeoutMs: 20_000,
      ...conformanceAuth(serverUrl, ctx),
    });
    report.connected = true;
    save();
    for (const call of plannedCalls(connection, ctx)) {
      try {
        await connection.callTool(call.name, call.arguments, { idleTimeoutMs: 10_000, maxTotalMs: 20_000 });
      } catch (err) {
        report.toolErrors.push(`${call.name}: ${describeError(err)}`);
      }
      report.toolCalls++;
      save();
    }
    await connection.close();
    await host.dispose();
  } catch (err) {
    report.error = describeError(err);
    save();
    throw err;
  }
  save();
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`client-under-test failed: ${describeError(err)}\n`);
    process.exit(1);
  },
);
