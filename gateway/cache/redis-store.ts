import { connectRedis, scanTargets, type RedisClient, type RedisMode } from '../redis/index.js';
import type { Logger } from '../../lib/logger.js';
import type { CacheStore, TierHealth } from './store.js';

export interface RedisStoreOptions {
  /** redis:// or rediss:// (TLS), with optional user:password. */
  readonly url: string;
  /** One Redis, or a Redis Cluster whose seed nodes `url` lists (comma-separated). */
  readonly mode?: RedisMode;
  /** Deadline for every command; a slow Redis answers "nothing" after this. */
  readonly commandTimeoutMs: number;
  readonly logger: Logger;
}

/** The host part of a Redis URL (or of each in a cluster's list), for logs: never the password. */
export function redactRedisUrl(url: string): string {
  return url
    .split(',')
    .map((seed) => {
      try {
        const u = new URL(seed.trim());
        return `${u.protocol}//${u.host}${u.pathname === '/' ? '' : u.pathname}`;
      } catch {
        return '(unparseable REDIS_URL)';
      }
    })
    .join(',');
}

/**
 * The shared tier: survives gateway restarts and is shared by replicas. Optional infrastructure, never a
 * dependency of a live answer: commands fail fast while disconnected (no offline queue), each is bounded by
 * `commandTimeoutMs`, and ioredis reconnects in the background with backoff.
 */
export class RedisStore implements CacheStore {
  readonly client: RedisClient;
  private lastError: string | undefined;

  constructor(private readonly options: RedisStoreOptions) {
    this.client = connectRedis(options.url, options.mode ?? 'single', {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: options.commandTimeoutMs,
      connectTimeout: 2_000,
      enableAutoPipelining: true,
      retryStrategy: (attempt) => Math.min(100 * 2 ** attempt, 5_000),
    });
    const where = redactRedisUrl(options.url);
    this.client.on('ready', () => {
      this.lastError = undefined;
      options.logger.info({ redis: where }, 'redis cache tier connected');
    });
    this.client.on('error', (error: Error) => {
      if (this.lastError !== error.message)
        options.logger.warn({ redis: where, err: error.message }, 'redis cache tier error');
      this.lastError = error.message;
    });
  }

  get up(): boolean {
    return this.client.status === 'ready';
  }

  async getMany(keys: readonly string[]): Promise<(Buffer | undefined)[]> {
    if (!this.up || keys.length === 0) return keys.map(() => undefined);
    try {
      // Key by key, auto-pipelined (one round trip per node): in a cluster the keys lie in many slots.
      const values = await Promise.all(keys.map((k) => this.client.getBuffer(k)));
      return values.map((v) => v ?? undefined);
    } catch (error) {
      this.lastError = (error as Error).message;
      return keys.map(() => undefined);
    }
  }

  async setMany(entries: readonly { key: string; value: Buffer }[], ttlMs: number): Promise<void> {
    if (!this.up || entries.length === 0) return;
    try {
      await Promise.all(entries.map((e) => this.client.set(e.key, e.value, 'PX', ttlMs)));
    } catch (error) {
      // Reported, so the write is counted as failed (the copies stay in the memory tier only).
      this.lastError = (error as Error).message;
      throw error;
    }
  }

  async deleteMatching(pattern: string, scope: 'all' | 'local' = 'all'): Promise<number> {
    if (scope === 'local') return 0;
    if (!this.up) throw new Error(`redis is ${this.client.status}; cannot purge ${pattern}`);
    let deleted = 0;
    for (const node of scanTargets(this.client)) {
      let cursor = '0';
      do {
        const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
        cursor = next;
        const counts = await Promise.all(keys.map((k) => this.client.unlink(k)));
        deleted += counts.reduce((a, b) => a + b, 0);
      } while (cursor !== '0');
    }
    return deleted;
  }

  async deleteKeys(keys: readonly string[]): Promise<void> {
    if (!this.up || keys.length === 0) return;
    try {
      await Promise.all(keys.map((k) => this.client.unlink(k)));
    } catch (error) {
      this.lastError = (error as Error).message;
    }
  }

  health(): readonly TierHealth[] {
    const status = this.up
      ? 'up'
      : this.client.status === 'connecting' || this.client.status === 'wait'
        ? 'connecting'
        : 'down';
    return [
      {
        tier: 'redis',
        status,
        detail: status === 'up' ? redactRedisUrl(this.options.url) : (this.lastError ?? this.client.status),
      },
    ];
  }

  async close(): Promise<void> {
    // QUIT lets writes already sent finish; a client that is not connected has nothing to finish.
    if (this.client.status === 'ready') await this.client.quit().catch(() => undefined);
    this.client.disconnect();
  }
}
