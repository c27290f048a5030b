import { DEFAULT_SAMPLING_POLICY, type CardPolicy } from '../../shared/samplingPolicy';
import type { ServerOptions } from '../config';
import { Disposable } from '../disposable';
import { HostError } from '../errors';
import { NoticeThrottle } from '../throttle';
import { originOf } from '../requests/origin';
import type { SamplingHandler, SamplingParams, SamplingResult, ServerRequestContext } from '../types';
import type { AuditOutcome } from '../audit';
import { decide, type PolicyDecision } from './policy';
import { isModelAllowed, type ModelInfo } from './modelSelection';
import { SamplingSession } from './session';
import type { SessionDeps } from './sessionSupport';
import { validateSamplingRequest } from './validation';

/** The per-server settings sampling reads (a `ServerConfig` satisfies it). */
export type SamplingServerOptions = Pick<ServerOptions, 'samplingPolicy' | 'allowedModels' | 'maxRequestsPerMinute' | 'maxTokens'>;

/** What the coordinator needs besides what each session needs. */
export interface CoordinatorDeps extends SessionDeps {
  /** The server's settings entry; undefined for a server no longer configured (defaults apply). */
  serverOptions(server: string): SamplingServerOptions | undefined;
  /** The global "pause all sampling" switch. */
  paused(): boolean;
  /** Fires when the pause switch changes. */
  onDidChangePaused?(listener: () => void): { dispose(): void };
  /** Tells the person a server went over budget (the coordinator limits this to one per server per minute). */
  notifyBudget?(server: string, reason: string): void;
}

/**
 * Answers `sampling/createMessage` for every server and both protocol eras:
 * validates the request, applies the server's policy, the global pause and
 * the budget, then hands it to a {@link SamplingSession} that shows the card,
 * runs the model and answers. Refusals are thrown as `HostError`s, which the
 * connection turns into JSON-RPC errors.
 */
export class SamplingCoordinator extends Disposable implements SamplingHandler {
  private readonly sessions = new Set<SamplingSession>();
  private readonly notices: NoticeThrottle;
  private readonly sessionDeps: SessionDeps;
  /**
   * The models as last listed, kept until the runner says they changed:
   * listing is a round trip to the model provider, and a request that runs
   * without review should not wait for it each time.
   */
  private models: ModelInfo[] | undefined;
  /** Bumped when the models change, so a listing that started before does not fill the cache. */
  private modelsVersion = 0;

  constructor(private readonly deps: CoordinatorDeps) {
    super();
    this.notices = new NoticeThrottle(deps.clock);
    const notify = deps.notify;
    this.sessionDeps = {
      ...deps,
      // A failed request nobody saw on a card: at most one notice per server per minute.
      notify:
        notify &&
        ((server, message) => {
          if (this.notices.allow(`failed:${server}`)) notify(server, message);
        }),
    };
    if (deps.onDidChangePaused) this._register(deps.onDidChangePaused(() => this.onPauseChanged()));
    // One subscription for every session: a change lists the models once and updates every open card.
    this._register(deps.runner.onDidChangeModels(() => void this.onModelsChanged()));
  }

  /** Requests currently waiting or running. */
  get activeCount(): number {
    return this.sessions.size;
  }

  async createMessage(params: SamplingParams, ctx: ServerRequestContext): Promise<SamplingResult> {
    const validation = validateSamplingRequest(params, { tools: true, context: false });
    if (!validation.ok) {
      this.auditRefusal(ctx, 'error', validation.message);
      throw HostError.invalidParams(validation.message);
    }
    const request = validation.request;
    const options = this.deps.serverOptions(ctx.server);
    const policy = options?.samplingPolicy ?? DEFAULT_SAMPLING_POLICY;
    const decision: PolicyDecision = decide(policy, this.deps.paused());
    if ('reject' in decision) {
      this.auditRefusal(ctx, 'denied', decision.reject);
      throw HostError.denied(decision.reject);
    }
    this.deps.budget.setLimits(ctx.server, { requestsPerMinute: options?.maxRequestsPerMinute, maxTokensCeiling: options?.maxTokens });
    const budget = this.deps.budget.check(ctx.server, request.maxTokens);
    if (!budget.ok) {
      this.noticeBudget(ctx.server, budget.reason);
      this.auditRefusal(ctx, 'denied', budget.reason);
      throw HostError.denied(budget.reason);
    }
    // Counted on arrival, before any await: a burst of requests must not all pass the
    // check while none has run yet (each would open a card). Runs of an accepted request are the person's.
    this.deps.budget.record(ctx.server);
    const allowed = options?.allowedModels;
    const session = new SamplingSession(
      request,
      ctx,
      {
        policy: policy as CardPolicy,
        decision,
        allowedModels: allowed,
        isAllowed: (m: ModelInfo) => isModelAllowed(m, allowed),
        maxTokens: budget.maxTokens,
        ceiling: this.deps.budget.limitsFor(ctx.server).maxTokensCeiling,
        clamped: budget.clamped,
      },
      this.sessionDeps,
    );
    let models = this.models;
    if (!models) {
      models = await this.listModels();
      // Listing took a while: sampling may have been paused meanwhile (without an await it cannot have been).
      const paused = decide(policy, this.deps.paused());
      if ('reject' in paused) {
        this.auditRefusal(ctx, 'denied', paused.reject);
        throw HostError.denied(paused.reject);
      }
    }
    // start() opens the card synchronously, so a pause from now on reaches this session.
    this.sessions.add(session);
    try {
      return await session.start(models);
    } finally {
      this.sessions.delete(session);
    }
  }

  private async listModels(): Promise<ModelInfo[]> {
    const version = this.modelsVersion;
    try {
      const models = await this.deps.runner.listModels();
      if (version === this.modelsVersion) this.models = models;
      return models;
    } catch {
      // A provider failing to list is the same, for the person, as having no model (not kept: the next request asks again).
      return [];
    }
  }

  private async onModelsChanged(): Promise<void> {
    this.models = undefined;
    this.modelsVersion++;
    if (this.sessions.size === 0) return;
    const models = await this.listModels();
    for (const session of this.sessions) session.modelsChanged(models);
  }

  // Pausing is an emergency brake: requests already waiting are refused too.
  private onPauseChanged(): void {
    if (!this.deps.paused()) return;
    const decision = decide('ask', true);
    const reason = 'reject' in decision ? decision.reject : 'Sampling is paused';
    for (const session of [...this.sessions]) session.pauseReject(reason);
  }

  private noticeBudget(server: string, reason: string): void {
    if (this.notices.allow(`budget:${server}`)) this.deps.notifyBudget?.(server, reason);
  }

  private auditRefusal(ctx: ServerRequestContext, outcome: AuditOutcome, error: string): void {
    this.deps.audit?.refused({ kind: 'sampling', server: ctx.server, requestId: ctx.requestId, tool: originOf(ctx).toolCall?.name }, outcome, error);
  }
}
