/** True while a process with this pid exists. */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether stdio servers are started as leaders of their own process group, so
 * that the host can signal everything they started (POSIX only: Windows has no
 * process groups, and `detached` there means a new console).
 */
export const USE_PROCESS_GROUPS = process.platform !== 'win32';

/** True while any process of the group led by `pgid` exists. */
export function isGroupAlive(pgid: number): boolean {
  if (!USE_PROCESS_GROUPS) return false;
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Sends `signal` to the process group led by `pgid` (which outlives its leader); false when it is gone. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  if (!USE_PROCESS_GROUPS) return false;
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * Ends what is left of a server's process group once its leader is gone or
 * going: SIGTERM to the whole group now, SIGKILL after `graceMs` if any member
 * is left. A stdio server's children (a `sleep`, a language server, a watcher)
 * would otherwise be re-parented to init and outlive the host. Nothing waits
 * for the group to vanish: killed members stay zombies until init reaps them,
 * which in containers whose PID 1 does not reap can be never.
 */
export function reapGroup(pgid: number, graceMs = 1000): void {
  if (!signalGroup(pgid, 'SIGTERM')) return;
  setTimeout(() => {
    if (isGroupAlive(pgid)) signalGroup(pgid, 'SIGKILL');
  }, graceMs).unref();
}

/**
 * Waits up to `graceMs` for a process to exit, then sends SIGTERM, then
 * SIGKILL (to its whole group when it leads one): nothing the host started
 * outlives it.
 */
export async function ensureProcessGone(pid: number, graceMs: number): Promise<void> {
  if (!(await waitUntil(() => !isProcessAlive(pid), graceMs))) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // Already gone.
    }
    if (!(await waitUntil(() => !isProcessAlive(pid), 1000))) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
      await waitUntil(() => !isProcessAlive(pid), 1000);
    }
  }
  if (isGroupAlive(pid)) reapGroup(pid);
}

async function waitUntil(predicate: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (predicate()) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return predicate();
}
