/** Default sampling requests allowed per server in any 60-second window. */
export const DEFAULT_REQUESTS_PER_MINUTE = 10;

/** Default ceiling on `maxTokens` for one sampling request. */
export const DEFAULT_MAX_TOKENS_CEILING = 4096;

/** Length of the rate-limit sliding window. */
export const RATE_WINDOW_MS = 60_000;

/** Per-server limits. `requestsPerMinute: 0` turns the rate limit off. */
export interface BudgetLimits {
  requestsPerMinute: number;
  maxTokensCeiling: number;
}

/** What to do when a request asks for more than `maxTokensCeiling`. */
export type OverCeiling = 'clamp' | 'reject';

/** Options of {@link SamplingBudget}. */
export interface SamplingBudgetOptions {
  /** Milliseconds clock; defaults to `Date.now`. Inject a fake one in tests. */
  clock?: () => number;
  /** Limits for servers without their own; missing fields use the exported defaults. */
  defaults?: Partial<BudgetLimits>;
  /** `clamp` (default) lowers `maxTokens` to the ceiling; `reject` refuses the request. */
  overCeiling?: OverCeiling;
}

/** Result of {@link SamplingBudget.check}. On success `maxTokens` is the value to use (clamped when `clamped`). */
export type BudgetCheck =
  | { ok: true; maxTokens: number; clamped: boolean }
  | { ok: false; reason: string; retryAfterMs?: number };

/** Reason given for every request while sampling is paused. */
export const PAUSED_REASON = 'Sampling is paused for all servers; resume it to allow requests';

/**
 * Per-server sampling budgets: a sliding-window rate limit and a `maxTokens`
 * ceiling, plus a global pause switch. Call {@link check} before asking the
 * person and {@link record} when a request is actually sent to a model.
 */
export class SamplingBudget {
  /** When true, {@link check} rejects every request. */
  paused = false;
  private readonly clock: () => number;
  private readonly defaults: BudgetLimits;
  private readonly overCeiling: OverCeiling;
  private readonly perServer = new Map<string, Partial<BudgetLimits>>();
  private readonly sent = new Map<string, number[]>();

  constructor(options: SamplingBudgetOptions = {}) {
    this.clock = options.clock ?? Date.now;
    this.defaults = {
      requestsPerMinute: options.defaults?.requestsPerMinute ?? DEFAULT_REQUESTS_PER_MINUTE,
      maxTokensCeiling: options.defaults?.maxTokensCeiling ?? DEFAULT_MAX_TOKENS_CEILING,
    };
    this.overCeiling = options.overCeiling ?? 'clamp';
  }

  /** Sets (or with `undefined`, clears) a server's own limits, e.g. from `maxRequestsPerMinute` / `maxTokens` settings. */
  setLimits(server: string, limits: Partial<BudgetLimits> | undefined): void {
    if (limits) this.perServer.set(server, limits);
    else this.perServer.delete(server);
  }

  /** The effective limits of a server. */
  limitsFor(server: string): BudgetLimits {
    const own = this.perServer.get(server);
    return {
      requestsPerMinute: own?.requestsPerMinute ?? this.defaults.requestsPerMinute,
      maxTokensCeiling: own?.maxTokensCeiling ?? this.defaults.maxTokensCeiling,
    };
  }

  /** Whether a request of `server` asking for `maxTokens` may proceed now. Does not count it: see {@link record}. */
  check(server: string, maxTokens: number): BudgetCheck {
    if (this.paused) return { ok: false, reason: PAUSED_REASON };
    const limits = this.limitsFor(server);
    const rate = this.checkRate(server, limits.requestsPerMinute);
    if (rate) return rate;
    if (maxTokens <= limits.maxTokensCeiling) return { ok: true, maxTokens, clamped: false };
    if (this.overCeiling === 'clamp') return { ok: true, maxTokens: limits.maxTokensCeiling, clamped: true };
    return {
      ok: false,
      reason: `Server "${server}" asked for ${maxTokens} tokens, above its ceiling of ${limits.maxTokensCeiling}`,
    };
  }

  /** Counts one request of `server` against its rate limit, at the current clock time. */
  record(server: string): void {
    this.recent(server).push(this.clock());
  }

  /** Forgets recorded requests of one server, or of all servers. */
  reset(server?: string): void {
    if (server === undefined) this.sent.clear();
    else this.sent.delete(server);
  }

  private checkRate(server: string, perMinute: number): BudgetCheck | undefined {
    if (perMinute <= 0) return undefined;
    const times = this.recent(server);
    if (times.length < perMinute) return undefined;
    // The window frees a slot when the oldest request that still blocks us ages out.
    const oldest = times[times.length - perMinute];
    const retryAfterMs = Math.max(0, oldest + RATE_WINDOW_MS - this.clock());
    return {
      ok: false,
      reason: `Server "${server}" reached its limit of ${perMinute} sampling request${perMinute === 1 ? '' : 's'} per minute; retry in ${Math.ceil(retryAfterMs / 1000)} s`,
      retryAfterMs,
    };
  }

  /**
   * Timestamps still inside the window, oldest first, pruned in place: only
   * the expired ones at the front are looked at (no copy of the window per
   * request, which at a few hundred requests a minute was most of the cost).
   */
  private recent(server: string): number[] {
    const cutoff = this.clock() - RATE_WINDOW_MS;
    let times = this.sent.get(server);
    if (!times) this.sent.set(server, (times = []));
    let expired = 0;
    while (expired < times.length && times[expired] <= cutoff) expired++;
    if (expired > 0) times.splice(0, expired);
    return times;
  }
}
