import type { MemoryStore } from './memory-store.js';
import type { RedisStore } from './redis-store.js';
import type { CacheStore, TierHealth } from './store.js';

/**
 * Memory in front of Redis. Reads try memory first and ask Redis only for what memory lacks (refilling
 * memory with what Redis had, e.g. after a restart); writes go to both; purges clear both. With Redis
 * down, memory alone serves.
 */
export class TieredStore implements CacheStore {
  constructor(
    private readonly memory: MemoryStore,
    private readonly redis: RedisStore,
    private readonly ttlForRefillMs: number,
  ) {}

  async getMany(keys: readonly string[]): Promise<(Buffer | undefined)[]> {
    const found = await this.memory.getMany(keys);
    const missing = keys.filter((_, i) => found[i] === undefined);
    if (missing.length === 0 || !this.redis.up) return found;
    const fromRedis = await this.redis.getMany(missing);
    const refill: { key: string; value: Buffer }[] = [];
    let next = 0;
    const merged = found.map((value, i) => {
      if (value !== undefined) return value;
      const remote = fromRedis[next++];
      if (remote !== undefined) refill.push({ key: keys[i]!, value: remote });
      return remote;
    });
    await this.memory.setMany(refill, this.ttlForRefillMs);
    return merged;
  }

  async setMany(entries: readonly { key: string; value: Buffer }[], ttlMs: number): Promise<void> {
    await Promise.all([this.memory.setMany(entries, ttlMs), this.redis.setMany(entries, ttlMs)]);
  }

  async deleteMatching(pattern: string, scope: 'all' | 'local' = 'all'): Promise<number> {
    // Memory is cleared even when Redis cannot be reached; the Redis failure is then reported to the caller.
    const fromMemory = await this.memory.deleteMatching(pattern);
    if (scope === 'local') return fromMemory;
    const fromRedis = await this.redis.deleteMatching(pattern);
    // The same copies are usually in both tiers: the larger count is the number of distinct copies.
    return Math.max(fromMemory, fromRedis);
  }

  async deleteKeys(keys: readonly string[]): Promise<void> {
    await Promise.all([this.memory.deleteKeys(keys), this.redis.deleteKeys(keys)]);
  }

  health(): readonly TierHealth[] {
    return [...this.memory.health(), ...this.redis.health()];
  }

  async close(): Promise<void> {
    await Promise.all([this.memory.close(), this.redis.close()]);
  }
}
