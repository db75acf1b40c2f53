import { createHash } from 'node:crypto';

/**
 * Verified basic credentials for a short while: scrypt costs ~60 ms of CPU, and a client logs
 * every metric with the same header. Keys are hashes (no password in memory), entries expire,
 * and any change to a user clears its entries.
 */
export class CredentialCache {
  private readonly entries = new Map<string, { userId: number; username: string; expires: number }>();

  constructor(
    private readonly ttlMs = 60_000,
    private readonly maxEntries = 10_000,
  ) {}

  private key(username: string, password: string): string {
    return createHash('sha256').update(`${username}\u0000${password}`).digest('hex');
  }

  get(username: string, password: string): number | undefined {
    const key = this.key(username, password);
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expires < Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.userId;
  }

  set(username: string, password: string, userId: number): void {
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(this.key(username, password), { userId, username, expires: Date.now() + this.ttlMs });
  }

  forget(username: string): void {
    for (const [key, entry] of this.entries) if (entry.username === username) this.entries.delete(key);
  }
}
