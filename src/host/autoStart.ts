/**
 * True when at least one entry of the raw `mcpApprovalHost.servers` value
 * wants to start with the window. Deliberately tiny (no zod, no SDK): the
 * activation entry calls it before deciding to load the host core.
 */
export function hasAutoStartServer(value: unknown): boolean {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
  return Object.values(value as Record<string, unknown>).some((entry) => {
    if (!entry || typeof entry !== 'object') return false;
    const e = entry as { disabled?: unknown; autoStart?: unknown };
    return e.disabled !== true && e.autoStart !== false;
  });
}
