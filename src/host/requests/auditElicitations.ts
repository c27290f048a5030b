import type { IDisposable } from '../disposable';
import type { AuditLog, AuditOutcome } from '../audit';
import type { RequestBroker } from './broker';

const ELICITATION_OUTCOMES: Record<string, AuditOutcome> = {
  accepted: 'accepted',
  declined: 'declined',
  cancelled: 'cancelled',
  refused: 'refused',
  timeout: 'timeout',
  'cancelled-by-server': 'cancelled',
  'server-gone': 'cancelled',
};

/** Appends every finished elicitation to the audit log (sampling records its own, richer entries). */
export function recordElicitations(broker: RequestBroker, audit: AuditLog): IDisposable {
  const sub = broker.onDidFinish(({ entry, finished }) => {
    if (entry.kind !== 'elicitation') return;
    const outcome = ELICITATION_OUTCOMES[finished.outcome] ?? 'error';
    void audit.record({
      ts: new Date(finished.at).toISOString(),
      server: entry.server,
      kind: 'elicitation',
      requestId: entry.id,
      tool: entry.origin.toolCall?.name,
      outcome,
      edits: [],
      durationsMs: { review: finished.at - entry.createdAt },
      error: finished.outcome === 'cancelled-by-server' || finished.outcome === 'server-gone' ? finished.summary : undefined,
    });
  });
  return { dispose: () => sub.dispose() };
}
