import type { SecretStore } from './types';

/** A `SecretStore` that lives only as long as the process: for headless hosts (the conformance client) and tests. */
export class MemorySecretStore implements SecretStore {
  /** Every stored value by key (tests look at what was stored). */
  readonly values = new Map<string, string>();

  async get(key: string): Promise<string | undefined> {
    return this.values.get(key);
  }

  async store(key: string, value: string): Promise<void> {
    this.values.set(key, value);
  }

  async delete(key: string): Promise<void> {
    this.values.delete(key);
  }
}
