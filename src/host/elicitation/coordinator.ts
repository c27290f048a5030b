/**
 * Answers `elicitation/create` (both eras: the SDK routes input_required
 * rounds to the same handler) by showing a card in the Requests view and
 * waiting for the person. No `vscode` here: the URL opener is injected.
 */
import type { ElicitResult } from '@modelcontextprotocol/client';
import { validateForm, type AcceptedUrl } from '../../shared/elicitation';
import type { ElicitationAction, ElicitationCard, FormElicitationCard, RefusedElicitationCard, UrlElicitationCard } from '../../shared/elicitationProtocol';
import type { AuditContent, RequestAudit } from '../audit';
import { Disposable } from '../disposable';
import { HostError } from '../errors';
import type { RequestBroker, RequestOrigin, ReviewHandle } from '../requests/broker';
import { originOf } from '../requests/origin';
import type { ElicitationHandler, ElicitationParams, LogSink, ServerRequestContext } from '../types';
import { CompletionTracker } from './completions';
import { checkElicitationParams, type CheckedElicitation } from './params';

/** Opens links for URL-mode elicitation, after the person agreed. */
export interface UrlOpener {
  /**
   * Asks for consent showing the full URL (e.g. a modal dialog) and, if given,
   * opens `url.url` in the system browser. Must open nothing once `signal` is
   * aborted. Resolves `opened` or `dismissed`; throws if opening failed.
   */
  confirmAndOpen(request: { server: string; url: AcceptedUrl; signal: AbortSignal }): Promise<'opened' | 'dismissed'>;
}

/** What the coordinator needs from its surroundings. */
export interface ElicitationCoordinatorDeps {
  broker: RequestBroker;
  urlOpener: UrlOpener;
  /** The review timeout, read per request (0 = none). On timeout the answer is `cancel`. */
  timeoutMs(): number;
  log?: LogSink;
  /** The host's one audit path (answered requests are recorded as they leave the broker; refusals here). */
  audit?: RequestAudit;
}

type Handle = ReviewHandle<'elicitation'>;
type Answer = (result: ElicitResult, outcome: string, summary: string) => void;
type Checked<K extends CheckedElicitation['kind']> = Extract<CheckedElicitation, { kind: K }>;

/** At most this many refused-request info cards stay on screen; further refusals go to History only. */
const MAX_REFUSED_CARDS = 5;
const SUMMARY_CHARS = 80;

/**
 * The elicitation handler: validates the request, opens a card, waits for the
 * person's answer, re-validates it, and returns the `ElicitResult`. Timeouts
 * answer `cancel`; nothing is ever accepted on the person's behalf.
 */
export class ElicitationCoordinator extends Disposable implements ElicitationHandler {
  private readonly openUrls = new Map<string, Answer>();
  private readonly completions = new CompletionTracker();
  private refusedCards = 0;

  constructor(private readonly deps: ElicitationCoordinatorDeps) {
    super();
  }

  /** Handles one `elicitation/create`; throws `HostError.invalidParams` for out-of-spec requests. */
  async elicit(params: ElicitationParams, ctx: ServerRequestContext): Promise<ElicitResult> {
    const checked = checkElicitationParams(params, ctx.era);
    const origin = originOf(ctx);
    switch (checked.kind) {
      case 'refused':
        this.showRefused(ctx.server, origin, checked, ctx.requestId);
        this.deps.log?.warn(`Refused an elicitation from "${ctx.server}": ${checked.reason}`);
        throw HostError.invalidParams(`Elicitation refused: ${checked.reason}`);
      case 'form':
        return this.runForm(ctx.server, origin, checked, ctx.signal, ctx.requestId);
      case 'url':
        return this.runUrl(ctx.server, origin, checked, ctx.signal, undefined, ctx.requestId);
    }
  }

  /** `notifications/elicitation/complete`: closes the matching open card and wakes waiters. */
  complete(server: string, elicitationId: string): void {
    this.openUrls.get(keyOf(server, elicitationId))?.({ action: 'cancel' }, 'completed', 'The server reported the interaction complete before you answered');
    this.completions.markDone(server, elicitationId);
  }

  /** Resolves when the server has reported every id complete; rejects when `signal` aborts. */
  waitForCompletion(server: string, elicitationIds: readonly string[], signal: AbortSignal): Promise<void> {
    return this.completions.waitForAll(server, elicitationIds, signal);
  }

  /**
   * Shows the links of a -32042 error (URL elicitation required) as URL cards
   * and resolves with each answer, in order. Entries that are not valid URL
   * elicitations get refused-request cards and the answer `undefined`.
   */
  async presentRequiredUrls(server: string, elicitations: readonly unknown[], origin: RequestOrigin, signal: AbortSignal): Promise<Array<{ elicitationId: string; result: ElicitResult } | undefined>> {
    const requiredBy = origin.toolCall?.name;
    return Promise.all(
      elicitations.map(async (raw) => {
        // -32042 is a 2025-era error: its entries carry ids.
        const checked = checkElicitationParams(raw, 'legacy');
        if (checked.kind !== 'url' || checked.elicitationId === undefined) {
          const reason = checked.kind === 'refused' ? checked.reason : 'The error listed a form request; only links can be required this way';
          this.showRefused(server, origin, { kind: 'refused', requestedMode: checked.kind === 'refused' ? checked.requestedMode : 'form', message: checked.message, reason });
          return undefined;
        }
        const result = await this.runUrl(server, origin, checked, signal, requiredBy);
        return { elicitationId: checked.elicitationId, result };
      }),
    );
  }

  private runForm(server: string, origin: RequestOrigin, checked: Checked<'form'>, signal: AbortSignal, requestId: string | number): Promise<ElicitResult> {
    const card: FormElicitationCard = { mode: 'form', message: checked.message, form: checked.form, sensitive: checked.sensitive };
    // What was sent on accept, for the audit record (written in full only with includeContent).
    let sent: ElicitResult['content'];
    const handle = this.open(server, card, origin, signal, requestId, () => ({ message: checked.message, answer: sent }));
    return this.waitForAnswer(handle, checked.message, (action, answer) => {
      if (action.type !== 'accept') return this.answerPlain(action, answer, checked.message);
      // The webview validated already; this is the check that counts.
      const result = validateForm(checked.form, action.values);
      if (result.ok) {
        const n = Object.keys(result.content).length;
        sent = result.content;
        answer({ action: 'accept', content: result.content }, 'accepted', `${summarize(checked.message)} (${n} field${n === 1 ? '' : 's'} sent)`);
        return;
      }
      handle.update({ hostErrors: result.errors });
    }).done;
  }

  /** `requestId` is the server's request; a link required by a -32042 error has none of its own. */
  private runUrl(server: string, origin: RequestOrigin, checked: Checked<'url'>, signal: AbortSignal, requiredBy?: string, requestId?: string | number): Promise<ElicitResult> {
    const base: UrlElicitationCard = { mode: 'url', message: checked.message, url: checked.url, ...(checked.elicitationId !== undefined && { elicitationId: checked.elicitationId }), ...(requiredBy !== undefined && { requiredBy }) };
    const handle = this.open(server, base, origin, signal, requestId, () => ({ message: checked.message }));
    const key = checked.elicitationId === undefined ? undefined : keyOf(server, checked.elicitationId);
    let confirming = false;
    const { done, answer: answerFromOutside } = this.waitForAnswer(handle, checked.message, (action, answer) => {
      if (action.type !== 'openUrl') return this.answerPlain(action, answer, checked.message);
      if (confirming) return;
      confirming = true;
      handle.update({ status: { kind: 'confirming' } });
      this.deps.urlOpener.confirmAndOpen({ server, url: checked.url, signal: handle.signal }).then(
        (outcome) => {
          confirming = false;
          if (handle.signal.aborted) return;
          if (outcome === 'opened') answer({ action: 'accept' }, 'accepted', `Opened ${checked.url.host} in the browser`);
          else handle.update({ status: undefined });
        },
        (err: unknown) => {
          confirming = false;
          handle.update({ status: { kind: 'failed', message: `The link could not be opened: ${err instanceof Error ? err.message : String(err)}` } });
        },
      );
    });
    // The first card for an id wins; a duplicate id is still answerable on its own card.
    const owned = key !== undefined && !this.openUrls.has(key) ? key : undefined;
    if (owned !== undefined) this.openUrls.set(owned, answerFromOutside);
    return done.finally(() => {
      if (owned !== undefined) this.openUrls.delete(owned);
    });
  }

  private answerPlain(action: ElicitationAction, answer: Answer, message: string): void {
    if (action.type === 'decline') answer({ action: 'decline' }, 'declined', summarize(message));
    else if (action.type === 'cancel' || action.type === 'dismiss') answer({ action: 'cancel' }, 'cancelled', summarize(message));
  }

  /** `content`: what the audit record holds of the request and its answer, asked when it leaves the broker. */
  private open(server: string, card: ElicitationCard, origin: RequestOrigin, signal: AbortSignal, requestId: string | number | undefined, content: () => AuditContent): Handle {
    return this.deps.broker.open('elicitation', server, card, { origin, signal, timeoutMs: this.deps.timeoutMs(), audit: { requestId, details: () => ({ content: content() }) } });
  }

  /**
   * Routes the person's (validated) actions to `decide` until it answers.
   * A timeout answers `cancel`; a server cancellation or disconnect rejects
   * with the abort reason (nothing can be delivered then anyway). `answer` is
   * also returned so others (the complete notification) can close the card.
   */
  private waitForAnswer(handle: Handle, message: string, decide: (action: ElicitationAction, answer: Answer) => void): { done: Promise<ElicitResult>; answer: Answer } {
    const server = handle.entry.server;
    const { done, settle } = handle.wait<ElicitResult>({
      onAction: (action) => decide(action, answer),
      onAbort: (reason) => {
        if (reason.kind !== 'timeout') throw reason;
        this.deps.log?.info(`Elicitation ${handle.id} from "${server}" timed out; answered cancel (${summarize(message)})`);
        return { action: 'cancel' };
      },
    });
    const answer: Answer = (result, outcome, summary) => {
      if (settle.settled) return;
      settle.resolve(result, outcome, summary);
      this.deps.log?.info(`Elicitation ${handle.id} from "${server}": ${outcome}`);
    };
    return { done, answer };
  }

  /**
   * An info card for a refused request; the server has its -32602 already, the
   * card stays until dismissed. The refusal is audited now, not when the card goes.
   */
  private showRefused(server: string, origin: RequestOrigin, checked: Checked<'refused'>, requestId?: string | number): void {
    const card: RefusedElicitationCard = { mode: 'refused', requestedMode: checked.requestedMode, reason: checked.reason, ...(checked.message !== undefined && { message: checked.message }) };
    // Not tied to the request's signal: the request is answered at once, the card is for the person.
    const handle = this.deps.broker.open('elicitation', server, card, { origin, signal: new AbortController().signal, timeoutMs: 0, audit: false });
    this.deps.audit?.refused({ kind: 'elicitation', server, requestId: requestId ?? handle.id, tool: origin.toolCall?.name }, 'refused', checked.reason);
    if (this.refusedCards >= MAX_REFUSED_CARDS) {
      handle.finish('refused', checked.reason);
      return;
    }
    this.refusedCards++;
    const sub = handle.onAction(() => {
      sub.dispose();
      this.refusedCards--;
      handle.finish('refused', checked.reason);
    });
  }
}

function keyOf(server: string, elicitationId: string): string {
  return `${server}\u0000${elicitationId}`;
}

function summarize(message: string): string {
  const line = message.replace(/\s+/g, ' ').trim();
  return line.length <= SUMMARY_CHARS ? line : `${line.slice(0, SUMMARY_CHARS)}…`;
}
