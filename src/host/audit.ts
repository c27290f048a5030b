import { appendFile, mkdir, open, readFile, rename, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { IDisposable } from './disposable';
import type { BrokerEntry, FinishedRequest, RequestBroker } from './requests/broker';
import type { Clock } from './types';

/** Default size above which the log is rotated to `<file>.1`. */
export const AUDIT_MAX_BYTES = 5 * 1024 * 1024;

/**
 * How long recorded entries wait to be written together. Each write is a few
 * file system calls; with a request every few milliseconds, writing each one
 * on its own cost more than the rest of the host's work for it. Entries are
 * not dropped: {@link AuditLog.flush} writes them at once (reading the log and
 * shutting the host down do); only a process that dies outright loses what it
 * recorded in its last `flushDelayMs`.
 */
export const AUDIT_FLUSH_DELAY_MS = 100;

/** How a reviewed request ended. */
/** Sampling: sent … denied; elicitation: accepted, declined, cancelled, refused, timeout. */
export type AuditOutcome = 'sent' | 'rejected' | 'cancelled' | 'error' | 'timeout' | 'denied' | 'accepted' | 'declined' | 'refused';

/** Full content of a request; only written with `includeContent: true`. */
export interface AuditContent {
  /** Sampling: the messages as run (after the person's edits). */
  messages?: unknown;
  systemPrompt?: string;
  /** Sampling: what was sent back. */
  completion?: unknown;
  /** Elicitation: the server's message (what it asked). */
  message?: string;
  /** Elicitation: the form's values as sent on accept (absent otherwise). */
  answer?: unknown;
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
  contentSizes?: { messages?: number; systemPrompt?: number; completion?: number; message?: number; answer?: number };
}

/** Options of {@link AuditLog}. */
export interface AuditLogOptions {
  /** When false, {@link AuditLog.record} does nothing. Default true. */
  enabled?: boolean;
  /** Write prompts, completions and form answers in full. Default false: only their sizes. */
  includeContent?: boolean;
  /** Rotation threshold in bytes; default {@link AUDIT_MAX_BYTES}. */
  maxBytes?: number;
  /** Called when a write fails; writes never reject. */
  onError?: (error: unknown) => void;
  /** How long entries are collected before one write; default {@link AUDIT_FLUSH_DELAY_MS}. */
  flushDelayMs?: number;
}

/**
 * An entry, or how to build it: a request's record is built when it is
 * written, off the turn in which the request was answered (from state that no
 * longer changes by then).
 */
export type AuditRecord = AuditEntry | (() => AuditEntry);

/** The entry of a record, built now if it was given as a builder. */
export function auditEntryOf(record: AuditRecord): AuditEntry {
  return typeof record === 'function' ? record() : record;
}

/** Where audit entries go (an {@link AuditLog}, or a fake in tests). */
export interface AuditSink {
  record(entry: AuditRecord): Promise<void> | void;
}

/**
 * Append-only JSON Lines audit of sampling and elicitation requests. Entries
 * are collected for `flushDelayMs` and written together; writes are
 * serialized through a promise chain, the directory is created on demand, and
 * the file is rotated to `<file>.1` before it would grow past `maxBytes`.
 */
export class AuditLog implements AuditSink {
  /** When false, {@link record} is a no-op. */
  enabled: boolean;
  /** When false (the default), prompts, completions and form answers are reduced to their sizes. */
  includeContent: boolean;
  private readonly maxBytes: number;
  private readonly onError: (error: unknown) => void;
  private readonly flushDelayMs: number;
  private chain: Promise<void> = Promise.resolve();
  /** Entries waiting for the next write, which takes them all at once (and builds those given as builders). */
  private queue: AuditRecord[] = [];
  /** The write of the queued entries, once scheduled: resolves when they are written. */
  private pending: { timer: ReturnType<typeof setTimeout>; written: Promise<void>; start(): void } | undefined;
  // An earlier session may have died mid-line; check the tail before our first append.
  private tailChecked = false;
  private dirReady = false;

  constructor(
    readonly filePath: string,
    options: AuditLogOptions = {},
  ) {
    this.enabled = options.enabled ?? true;
    this.includeContent = options.includeContent ?? false;
    this.maxBytes = options.maxBytes ?? AUDIT_MAX_BYTES;
    this.onError = options.onError ?? (() => {});
    this.flushDelayMs = options.flushDelayMs ?? AUDIT_FLUSH_DELAY_MS;
  }

  /**
   * Appends one entry; resolves once it is written (or failed, reported
   * through `onError`). Nothing is built, serialised or written in the
   * caller's turn: the entry is written `flushDelayMs` later (so an answer to
   * a server goes out first), together with every other entry recorded until
   * then. While the log is off, a builder is never called.
   */
  record(entry: AuditRecord): Promise<void> {
    if (!this.enabled) return this.chain;
    this.queue.push(entry);
    if (this.pending) return this.pending.written;
    let start!: () => void;
    const due = new Promise<void>((resolve) => (start = resolve));
    const written = (this.chain = this.chain
      .then(() => due)
      .then(() => this.writeQueued())
      .catch((err: unknown) => this.report(err)));
    this.pending = { timer: setTimeout(start, this.flushDelayMs), written, start };
    return written;
  }

  /** Writes every recorded entry now; resolves once they are written (or failed). */
  flush(): Promise<void> {
    const pending = this.pending;
    if (!pending) return this.chain;
    clearTimeout(pending.timer);
    pending.start();
    return this.chain;
  }

  private async writeQueued(): Promise<void> {
    this.pending = undefined;
    const entries = this.queue;
    this.queue = [];
    await this.append(entries.map((e) => JSON.stringify(this.redact(auditEntryOf(e))) + '\n'));
  }

  /** The last `n` entries, oldest first, reading into `<file>.1` when needed; unparsable lines are skipped. */
  async readRecent(n: number): Promise<AuditEntry[]> {
    await this.flush();
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
        message: content.message?.length,
        answer: sizeOf(content.answer),
      },
    };
  }

  /** Appends lines in one write, rotating to `<file>.1` before a line would take the file past `maxBytes`. */
  private async append(lines: string[]): Promise<void> {
    if (!this.dirReady) {
      await mkdir(dirname(this.filePath), { recursive: true });
      this.dirReady = true;
    }
    // Read every time: another window may share the file (and rotate it).
    let size = await fileSize(this.filePath);
    let out = '';
    if (size > 0 && !this.tailChecked && !(await endsWithNewline(this.filePath, size))) {
      out = '\n';
      size += 1;
    }
    for (const line of lines) {
      const bytes = Buffer.byteLength(line);
      if (size > 0 && size + bytes > this.maxBytes) {
        if (out) await appendFile(this.filePath, out, 'utf8');
        await rename(this.filePath, `${this.filePath}.1`);
        out = '';
        size = 0;
      }
      out += line;
      size += bytes;
    }
    await appendFile(this.filePath, out, 'utf8');
    this.tailChecked = true;
  }

  private report(err: unknown): void {
    this.tailChecked = false;
    this.dirReady = false;
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

/** Who asked, for a record. */
export interface AuditSubject {
  kind: AuditEntry['kind'];
  server: string;
  /** The JSON-RPC id of the server's request (the card id when the request had none of its own). */
  requestId: string | number;
  tool?: string;
}

/** What the owner of a request adds to its record when it leaves the broker (sampling: the model, edits, tokens…). */
export type AuditDetails = Partial<Pick<AuditEntry, 'model' | 'edits' | 'durationsMs' | 'tokenEstimate' | 'error' | 'content'>>;

/** How a request is audited, given when its card opens. */
export interface AuditOptions {
  /** The JSON-RPC id of the server's request. */
  requestId?: string | number;
  /**
   * Called once, after the request left the broker (at `endedAt`, clock
   * milliseconds), when its record is written: what it returns must not
   * change once the request has ended.
   */
  details?(endedAt: number): AuditDetails;
}

/**
 * History outcomes (what the card's owner or the broker said) as audit
 * outcomes; both kinds share one table. An outcome not listed is an `error`.
 */
const OUTCOMES: Readonly<Record<string, AuditOutcome>> = {
  sent: 'sent',
  rejected: 'rejected',
  error: 'error',
  paused: 'denied',
  denied: 'denied',
  accepted: 'accepted',
  declined: 'declined',
  cancelled: 'cancelled',
  completed: 'cancelled',
  refused: 'refused',
  timeout: 'timeout',
  'cancelled-by-server': 'cancelled',
  'server-gone': 'cancelled',
};

/**
 * The one audit path of the host, for every kind of request: a request
 * refused before any card opened is recorded by {@link refused}; every
 * request that had a card is recorded when it leaves the broker (answered,
 * timed out, cancelled by the server or cut off by a disconnect), with what
 * its owner adds through {@link AuditOptions.details}.
 */
export class RequestAudit {
  constructor(
    private readonly sink: AuditSink,
    private readonly clock: Pick<Clock, 'now'>,
  ) {}

  /** A request answered with an error before any card opened (invalid, refused by policy, over budget). */
  refused(subject: AuditSubject, outcome: AuditOutcome, error: string): void {
    void this.sink.record({ ts: new Date(this.clock.now()).toISOString(), ...subject, outcome, edits: [], durationsMs: {}, error });
  }

  /** Records every request that leaves `broker`, except info cards opened with `audit: false`. */
  follow(broker: RequestBroker): IDisposable {
    return broker.onDidFinish(({ entry, finished, audit }) => {
      if (audit !== false) this.finished(entry, finished, audit);
    });
  }

  /** Records a request that left the broker; its record is built when it is written. */
  private finished(entry: BrokerEntry, finished: FinishedRequest, audit: AuditOptions | undefined): void {
    void this.sink.record(() => recordOf(entry, finished, audit));
  }
}

/** The audit record of a request that left the broker (`entry.closed` is set if it was aborted). */
function recordOf(entry: BrokerEntry, finished: FinishedRequest, audit: AuditOptions | undefined): AuditEntry {
  const details = audit?.details?.(finished.at) ?? {};
  // An abort's History line says why (no answer in time, the server cancelled or went away).
  const error = details.error ?? (entry.closed ? finished.summary : undefined);
  return {
    ts: new Date(finished.at).toISOString(),
    server: entry.server,
    kind: entry.kind,
    requestId: audit?.requestId ?? entry.id,
    tool: entry.origin.toolCall?.name,
    model: details.model,
    outcome: Object.hasOwn(OUTCOMES, finished.outcome) ? OUTCOMES[finished.outcome] : 'error',
    edits: details.edits ?? [],
    durationsMs: details.durationsMs ?? { review: finished.at - entry.createdAt },
    tokenEstimate: details.tokenEstimate,
    error,
    content: details.content,
  };
}
