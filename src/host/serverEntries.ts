import type { ConfiguredServer, ServerEntry } from './config';

/**
 * The configured servers as last applied, and the edits the host is about to
 * make to their entries at the person's request. The server manager writes
 * it; sampling reads a server's options from it (policy, allowed models,
 * budget), so option-only changes apply to the next request without a restart.
 */
export class ServerEntries {
  private readonly configs = new Map<string, ConfiguredServer>();
  private readonly ownEdits = new Map<string, Partial<ServerEntry>>();

  get(name: string): ConfiguredServer | undefined {
    return this.configs.get(name);
  }

  /** Replaces the whole set. */
  replace(configs: readonly ConfiguredServer[]): void {
    this.configs.clear();
    for (const c of configs) this.configs.set(c.name, c);
  }

  /**
   * Announces that the host is about to write `patch` into a server's entry
   * because the person asked for it (see `ServerManager.applyConfig`).
   */
  expectOwnEdit(name: string, patch: Partial<ServerEntry>): void {
    this.ownEdits.set(name, patch);
  }

  /** The announced edit of a server, if any, forgetting it. */
  takeOwnEdit(name: string): Partial<ServerEntry> | undefined {
    const patch = this.ownEdits.get(name);
    this.ownEdits.delete(name);
    return patch;
  }

  /** The announced edit of a server, if any. */
  peekOwnEdit(name: string): Partial<ServerEntry> | undefined {
    return this.ownEdits.get(name);
  }
}
