import { appendFile, mkdir, open, readFile, rename, stat } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Default size above which the log is rotated to `<file>.1`. */
export const AUDIT_MAX_BYTES = 5 * 1024 * 1024;

/** How a reviewed request ended. */
/** Sampling: sent … denied; elicitation: accepted, declined, cancelled, refused, timeout. */
export type AuditOutcome = 'sent' | 'rejected' | 'cancelled' | 'error' | 'timeout' | 'denied' | 'accepted' | 'declined' | 'refused';

/** Full content of a request; only written with `includeContent: true`. */
export interface AuditContent {
  messages?: unknown;
  systemPrompt?: string;
  completion?: unknown;
}

/** One line of the audit log. */
export interface AuditEntry {
  /** ISO 8601 time. */
  ts: string;
  server: string;
  kind: 'sampling' | 'elicitation';
  requestId: string | number;
  /** The tool call during which the server asked, when known. */
  tool?: string;
  model?: string;
  outcome: AuditOutcome;
  /** What the person changed, e.g. `['systemPrompt', 'messages[1]', 'model']`. */
  edits: string[];
  durationsMs: { review?: number; run?: number };
  tokenEstimate?: { input: number; output: number };
  error?: string;
  /** Dropped unless `includeContent`; its sizes are logged instead (`contentSizes`). */
  content?: AuditContent;
  /** Character counts of `content`, set by the log when the content itself is left out. */
  contentSizes?: { messages?: number; systemPrompt?: number; completion?: number };
}

/** Options of {@link AuditLog}. */
export interface AuditLogOptions {
  /** When false, {@link AuditLog.record} does nothing. Default true. */
  enabled?: boolean;
  /** Write prompts and completions in full. Default false: only their sizes. */
  includeContent?: boolean;
  /** Rotation threshold in bytes; default {@link AUDIT_MAX_BYTES}. */
  maxBytes?: number;
  /** Called when a write fails; writes never reject. */
  onError?: (error: unknown) => void;
}

/**
 * Append-only JSON Lines audit of sampling and elicitation requests. Writes are
 * serialized through a promise chain, the directory is created on demand, and
 * the file is rotated to `<file>.1` before it would grow past `maxBytes`.
 */
export class AuditLog {
  /** When false, {@link record} is a no-op. */
  enabled: boolean;
  /** When false (the default), prompts and completions are reduced to their sizes. */
  includeContent: boolean;
  private readonly maxBytes: number;
  private readonly onError: (error: unknown) => void;
  private chain: Promise<void> = Promise.resolve();
  // An earlier session may have died mid-line; check the tail before our first append.
  private tailChecked = false;

  constructor(
    readonly filePath: string,
    options: AuditLogOptions = {},
  ) {
    this.enabled = options.enabled ?? true;
    this.includeContent = options.includeContent ?? false;
    this.maxBytes = options.maxBytes ?? AUDIT_MAX_BYTES;
    this.onError = options.onError ?? (() => {});
  }

  /** Appends one entry; resolves once it is written (or failed, reported through `onError`). */
  record(entry: AuditEntry): Promise<void> {
    if (!this.enabled) return this.chain;
    const line = JSON.stringify(this.redact(entry)) + '\n';
    this.chain = this.chain.then(() => this.append(line)).catch((err: unknown) => this.report(err));
    return this.chain;
  }

  /** The last `n` entries, oldest first, reading into `<file>.1` when needed; unparsable lines are skipped. */
  async readRecent(n: number): Promise<AuditEntry[]> {
    await this.chain;
    if (n <= 0) return [];
    const current = await readEntries(this.filePath);
    if (current.length >= n) return current.slice(-n);
    const previous = await readEntries(`${this.filePath}.1`);
    return [...previous, ...current].slice(-n);
  }

  private redact(entry: AuditEntry): AuditEntry {
    if (this.includeContent || !entry.content) return entry;
    const { content, ...rest } = entry;
    return {
      ...rest,
      contentSizes: {
        messages: sizeOf(content.messages),
        systemPrompt: content.systemPrompt?.length,
        completion: sizeOf(content.completion),
      },
    };
  }

  private async append(line: string): Promise<void> {
    await mkdir(dirname(this.filePath), { recursive: true });
    const size = await fileSize(this.filePath);
    if (size > 0 && size + Buffer.byteLength(line) > this.maxBytes) {
      await rename(this.filePath, `${this.filePath}.1`);
    } else if (size > 0 && !this.tailChecked && !(await endsWithNewline(this.filePath, size))) {
      line = '\n' + line;
    }
    await appendFile(this.filePath, line, 'utf8');
    this.tailChecked = true;
  }

  private report(err: unknown): void {
    this.tailChecked = false;
    try {
      this.onError(err);
    } catch {
      // A failing error sink must not break the write chain.
    }
  }
}

function sizeOf(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value.length : JSON.stringify(value).length;
}

async function fileSize(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch (err) {
    if (isNotFound(err)) return 0;
    throw err;
  }
}

async function endsWithNewline(path: string, size: number): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const byte = Buffer.alloc(1);
    await handle.read(byte, 0, 1, size - 1);
    return byte[0] === 0x0a;
  } finally {
    await handle.close();
  }
}

async function readEntries(path: string): Promise<AuditEntry[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if (isNotFound(err)) return [];
    throw err;
  }
  const entries: AuditEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const parsed: unknown = JSON.parse(line);
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) entries.push(parsed as AuditEntry);
    } catch {
      // A half-written line (crash mid-append) or a corrupt one: skip it.
    }
  }
  return entries;
}

function isNotFound(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'ENOENT';
}
