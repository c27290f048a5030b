import type { ServerOrigin } from '../host/config';
import type { SamplingPolicy } from '../shared/samplingPolicy';

/**
 * Where a server's entry of `mcpApprovalHost.servers` is written back: the
 * settings scope it was read from. Pure (no `vscode`) so the choice is
 * unit-tested; settingsWriter maps it to a `ConfigurationTarget`.
 */
export type EntryTarget = { scope: 'user' } | { scope: 'workspace' } | { scope: 'workspaceFolder'; folderPath: string };

/**
 * The scope an entry from `origin` lives in. User entries go to user
 * settings. In a single-folder window the workspace settings are the folder's
 * own file; in a multi-root workspace an entry with a folder came from that
 * folder's `.vscode/settings.json`, one without from the `.code-workspace` file.
 */
export function entryTarget(origin: ServerOrigin, multiRoot: boolean): EntryTarget {
  if (origin.scope === 'user') return { scope: 'user' };
  if (multiRoot && origin.folder) return { scope: 'workspaceFolder', folderPath: origin.folder.path };
  return { scope: 'workspace' };
}

function asObject(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/**
 * The value of `mcpApprovalHost.servers` at one scope with `samplingPolicy`
 * set in the entry `name` (written as the person wrote it), every other field
 * and server untouched; undefined when that scope has no such entry.
 */
export function withSamplingPolicy(servers: unknown, name: string, policy: SamplingPolicy): Record<string, unknown> | undefined {
  const all = asObject(servers);
  const entry = all && Object.hasOwn(all, name) ? asObject(all[name]) : undefined;
  if (!all || !entry) return undefined;
  return { ...all, [name]: { ...entry, samplingPolicy: policy } };
}
