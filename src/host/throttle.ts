import type { Clock } from './types';

/** How often one kind of notice may reach the person per server. */
export const NOTICE_INTERVAL_MS = 60_000;

/**
 * Lets one notice per key through per interval, so that a busy server cannot
 * cause a storm of notifications (over budget, failed auto requests).
 */
export class NoticeThrottle {
  private readonly last = new Map<string, number>();

  constructor(
    private readonly clock: Pick<Clock, 'now'>,
    private readonly intervalMs = NOTICE_INTERVAL_MS,
  ) {}

  /** True when a notice for `key` may be shown now (and counts it as shown). */
  allow(key: string): boolean {
    const now = this.clock.now();
    const last = this.last.get(key);
    if (last !== undefined && now - last < this.intervalMs) return false;
    this.last.set(key, now);
    return true;
  }
}
