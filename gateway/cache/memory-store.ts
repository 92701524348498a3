import { LRUCache } from 'lru-cache';
import { patternToRegExp, type CacheStore, type TierHealth } from './store.js';

/**
 * The in-process tier: bounded by total bytes, least recently used evicted first. It serves on its own
 * when no Redis is configured, and in front of Redis otherwise (so Redis going away mid-incident does not
 * take the last-known-good copies with it).
 */
export class MemoryStore implements CacheStore {
  private readonly entries: LRUCache<string, Buffer>;

  constructor(maxBytes: number) {
    if (!Number.isInteger(maxBytes) || maxBytes < 1024) {
      throw new RangeError(`memory cache size must be at least 1024 bytes, got ${maxBytes}`);
    }
    this.entries = new LRUCache<string, Buffer>({
      maxSize: maxBytes,
      sizeCalculation: (v, k) => v.length + k.length,
    });
  }

  getMany(keys: readonly string[]): Promise<(Buffer | undefined)[]> {
    return Promise.resolve(keys.map((k) => this.entries.get(k)));
  }

  setMany(entries: readonly { key: string; value: Buffer }[], ttlMs: number): Promise<void> {
    for (const e of entries) this.entries.set(e.key, e.value, { ttl: ttlMs });
    return Promise.resolve();
  }

  deleteMatching(pattern: string): Promise<number> {
    const match = patternToRegExp(pattern);
    let deleted = 0;
    for (const key of [...this.entries.keys()]) {
      if (match.test(key) && this.entries.delete(key)) deleted++;
    }
    return Promise.resolve(deleted);
  }

  deleteKeys(keys: readonly string[]): Promise<void> {
    for (const key of keys) this.entries.delete(key);
    return Promise.resolve();
  }

  /** The keys held, for diagnostics and tests. */
  keys(): string[] {
    return [...this.entries.keys()];
  }

  get size(): number {
    return this.entries.size;
  }

  health(): readonly TierHealth[] {
    return [
      {
        tier: 'memory',
        status: 'up',
        detail: `${this.entries.size} entries, ${this.entries.calculatedSize} bytes`,
      },
    ];
  }

  close(): Promise<void> {
    this.entries.clear();
    return Promise.resolve();
  }
}
