import type { Implementation } from '@modelcontextprotocol/client';
import type { ApprovalStore } from './approval';
import { AuditLog, RequestAudit } from './audit';
import type { ConfiguredServer } from './config';
import { ElicitationCoordinator, type UrlOpener } from './elicitation/coordinator';
import type { BackoffPolicy } from './lifecycle';
import { RequestBroker } from './requests/broker';
import { HostControls } from './requests/controls';
import { SamplingBudget, type BudgetLimits } from './sampling/budget';
import { SamplingCoordinator } from './sampling/coordinator';
import type { ModelRunner } from './sampling/runner';
import { ServerEntries } from './serverEntries';
import { ServerManager, type ServerManagerDeps } from './serverManager';
import { readAuditOptions, readReviewTimeoutMs, readTimeouts, type SettingsSource } from './settings';
import { systemClock, type Clock, type LogSink, type RootsProvider } from './types';

/**
 * What the host needs from where it runs (VS Code, a test, a benchmark, a
 * headless runner): small interfaces, nothing of `vscode`.
 */
export interface HostEnv {
  clientInfo: Implementation;
  clock?: Clock;
  /** The host's own log. */
  log: LogSink;
  /** One log per server. */
  logFor(server: string): LogSink;
  /** Whether a server's protocol messages are traced. */
  traceEnabled?(server: string): boolean;
  /** The settings under `mcpApprovalHost` (timeouts, review timeout, audit log). */
  settings: SettingsSource;
  /** Connection and tool-call timeouts in ms, instead of the settings' (headless runners and tests: below the settings' minimums). */
  timeouts?(): { connectMs: number; toolIdleMs: number; toolMaxMs: number };
  /** The language models sampling runs on. */
  models: ModelRunner;
  /** Opens URL-mode elicitation links after the person's consent. */
  urlOpener: UrlOpener;
  roots: RootsProvider;
  /** Where relative paths in server entries resolve (the first workspace folder). */
  baseDir(): string | undefined;
  /** Where the host keeps files; without it there is no audit log. */
  storage?: { auditFile: string };
  /** Approved workspace-defined servers (default: remembered until the host ends). */
  approvals?: ApprovalStore;
  /** The OAuth provider of a remote server. */
  auth?: ServerManagerDeps['auth'];
  backoff?: BackoffPolicy;
  /** Budget limits for servers whose entries set none (default: the documented ones). */
  budgetDefaults?: Partial<BudgetLimits>;
  /** What the person sees of sampling outside the panel; all optional. */
  sampling?: {
    /** Shown by the model provider in its consent prompt. */
    justification?(server: string): string;
    /** A server went over budget (already limited to one notice per server per minute). */
    notifyBudget?(server: string, reason: string): void;
    /** A request nobody saw on a card failed (already limited to one per server per minute). */
    notifyFailure?(server: string, message: string): void;
    /** Opens a long text in an editor. */
    openText?(title: string, text: string): void;
    /** Writes `samplingPolicy: "auto"` into the server's entry where it is defined ("Always allow"). */
    writeAutoPolicy?(config: ConfiguredServer): Promise<void>;
  };
  /** Errors of the audit log (writes never throw). */
  onAuditError?(error: unknown): void;
}

/** The host core, built once by {@link createHost}. */
export interface Host {
  readonly manager: ServerManager;
  readonly broker: RequestBroker;
  readonly controls: HostControls;
  readonly budget: SamplingBudget;
  readonly audit: AuditLog | undefined;
  readonly sampling: SamplingCoordinator;
  readonly elicitation: ElicitationCoordinator;
  /** Stops every server and waits for their processes to exit. */
  shutdown(): Promise<void>;
  /** Stops everything and releases every listener; settles once the servers are gone. */
  dispose(): Promise<void>;
}

/**
 * The one composition root of the host: builds the server manager, the
 * review broker, the global controls, the sampling budget, the audit log and
 * the sampling and elicitation coordinators from the environment, wired to
 * each other. The extension, the tests, the benchmarks and the conformance
 * client all build the host here.
 */
export function createHost(env: HostEnv): Host {
  const clock = env.clock ?? systemClock;
  const entries = new ServerEntries();
  const broker = new RequestBroker(clock);
  const controls = new HostControls();
  const budget = new SamplingBudget({ clock: () => clock.now(), defaults: env.budgetDefaults });
  const audit = env.storage ? new AuditLog(env.storage.auditFile, { ...readAuditOptions(env.settings), onError: env.onAuditError }) : undefined;
  const settingsSub = env.settings.onDidChange?.(() => {
    if (audit) Object.assign(audit, readAuditOptions(env.settings));
  });
  // One audit path for every kind of request (see RequestAudit).
  const requestAudit = audit && new RequestAudit(audit, clock);
  const auditSub = requestAudit?.follow(broker);
  const ui = env.sampling ?? {};
  const writeAutoPolicy = ui.writeAutoPolicy;

  const sampling = new SamplingCoordinator({
    broker,
    runner: env.models,
    clock,
    budget,
    audit: requestAudit,
    reviewTimeoutMs: () => readReviewTimeoutMs(env.settings),
    justification: ui.justification ?? ((server) => `The MCP server "${server}" asks for a completion.`),
    serverOptions: (server) => entries.get(server),
    paused: () => controls.samplingPaused,
    onDidChangePaused: (listener) => controls.onDidChange(listener),
    notifyBudget: ui.notifyBudget && ((server, reason) => ui.notifyBudget?.(server, reason)),
    notify: ui.notifyFailure && ((server, message) => ui.notifyFailure?.(server, message)),
    openText: ui.openText && ((title, text) => ui.openText?.(title, text)),
    alwaysAllow:
      writeAutoPolicy &&
      (async (server) => {
        const config = entries.get(server);
        if (!config) throw new Error(`"${server}" is no longer configured`);
        // The person's own edit keeps an approval of a workspace-defined server.
        entries.expectOwnEdit(server, { samplingPolicy: 'auto' });
        await writeAutoPolicy(config);
        env.log.info(`Sampling policy of "${server}" set to auto from a request card`);
      }),
  });
  const elicitation = new ElicitationCoordinator({ broker, urlOpener: env.urlOpener, timeoutMs: () => readReviewTimeoutMs(env.settings), log: env.log, audit: requestAudit });

  const manager = new ServerManager({
    clientInfo: env.clientInfo,
    clock,
    log: env.log,
    logFor: (server) => env.logFor(server),
    traceEnabled: env.traceEnabled && ((server) => env.traceEnabled?.(server) ?? false),
    sampling,
    elicitation,
    roots: env.roots,
    baseDir: () => env.baseDir(),
    timeouts: () => env.timeouts?.() ?? readTimeouts(env.settings),
    backoff: env.backoff,
    approvals: env.approvals,
    auth: env.auth,
    entries,
  });

  let disposed: Promise<void> | undefined;
  return {
    manager,
    broker,
    controls,
    budget,
    audit,
    sampling,
    elicitation,
    shutdown: async () => {
      await manager.shutdown();
      await audit?.flush();
    },
    dispose: () =>
      (disposed ??= (async () => {
        await manager.shutdown();
        // Requests the shutdown ended are recorded by now; write them before letting go.
        await audit?.flush();
        manager.dispose();
        sampling.dispose();
        elicitation.dispose();
        auditSub?.dispose();
        settingsSub?.dispose();
        broker.dispose();
      })()),
  };
}
