import { describeError } from './errors';
import type { LogSink } from './types';

/** Longest protocol error line written; server text inside is cut beyond it. */
export const PROTOCOL_LOG_LINE_CHARS = 300;
/** Protocol errors logged per window; the rest are counted. */
export const PROTOCOL_LOG_BURST = 20;
export const PROTOCOL_LOG_WINDOW_MS = 10_000;

/**
 * The `onerror` of a connection. Every malformed message a server sends ends
 * up here, and the SDK quotes the whole message (megabytes, multi-line schema
 * dumps): a hostile or broken server could fill the log and memory at the
 * rate it writes. Each error becomes one line of at most
 * {@link PROTOCOL_LOG_LINE_CHARS}, and at most {@link PROTOCOL_LOG_BURST} are
 * written per {@link PROTOCOL_LOG_WINDOW_MS}; the others are counted and the
 * count is logged when the window ends.
 */
export function protocolErrorLogger(log: LogSink, now: () => number = Date.now): (err: unknown) => void {
  let windowStart = -Infinity;
  let written = 0;
  let suppressed = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = () => {
    timer = undefined;
    if (suppressed > 0) log.warn(`${suppressed} more protocol error${suppressed === 1 ? '' : 's'} not logged (over ${PROTOCOL_LOG_BURST} in ${PROTOCOL_LOG_WINDOW_MS / 1000} s)`);
    suppressed = 0;
  };
  return (err) => {
    const t = now();
    if (t - windowStart >= PROTOCOL_LOG_WINDOW_MS) {
      if (timer) clearTimeout(timer);
      flush();
      windowStart = t;
      written = 0;
    }
    if (written >= PROTOCOL_LOG_BURST) {
      suppressed++;
      timer ??= setTimeout(flush, Math.max(0, windowStart + PROTOCOL_LOG_WINDOW_MS - t)).unref();
      return;
    }
    written++;
    log.warn(`protocol error: ${oneLine(describeError(err))}`);
  };
}

function oneLine(text: string): string {
  const flat = text.length > PROTOCOL_LOG_LINE_CHARS * 4 ? `${text.slice(0, PROTOCOL_LOG_LINE_CHARS * 4)}` : text;
  const squeezed = flat.replace(/\s+/g, ' ');
  return squeezed.length > PROTOCOL_LOG_LINE_CHARS || flat.length < text.length ? `${squeezed.slice(0, PROTOCOL_LOG_LINE_CHARS)}… (${text.length} characters)` : squeezed;
}
