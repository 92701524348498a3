import type { Logger } from '../../lib/logger.js';
import { connectRedis, type RedisClient, type RedisMode } from '../redis/index.js';

/** One operation clients sent, as the breaking-changes gate reads it. */
export interface OperationUse {
  /** SHA-256 of the operation's usage-reporting signature (literals hidden, fields sorted). */
  readonly id: string;
  readonly name: string | null;
  readonly client: string;
  /** `Type.field` coordinates of the supergraph the operation reads. */
  readonly fields: readonly string[];
  readonly lastSeen: number;
  /** The exact text, kept only when it holds no literal value (so never an NHS number): for warming plans. */
  readonly text?: string;
}

export interface UsageStoreOptions {
  readonly redisUrl: string | undefined;
  readonly redisMode?: RedisMode;
  readonly logger: Logger;
  readonly now: () => number;
  /** A recorded operation is written to Redis again at most this often (its lastSeen moves on). */
  readonly writeEveryMs?: number;
  /** Most distinct operations remembered in memory (the oldest seen is forgotten first). */
  readonly maxOperations?: number;
}

const KEY = 'prag:v1:usage';

/**
 * The operations this gateway served: in memory, and in Redis when configured so that every replica's
 * traffic counts (the memory tier alone when Redis is down, as the cache does). Writes are throttled per
 * operation, so recording costs a map lookup on almost every request.
 */
export class UsageStore {
  private readonly memory = new Map<string, OperationUse>();
  private readonly written = new Map<string, number>();
  private readonly redis: RedisClient | undefined;

  constructor(private readonly options: UsageStoreOptions) {
    this.redis = options.redisUrl
      ? connectRedis(options.redisUrl, options.redisMode ?? 'single', {
          lazyConnect: true,
          maxRetriesPerRequest: 1,
          enableOfflineQueue: false,
        })
      : undefined;
    this.redis?.on('error', () => undefined);
    // What was recorded while Redis was away is written once it is back, so no replica's use is missed.
    this.redis?.on('ready', () => {
      for (const [id, entry] of this.memory) if (!this.written.has(id)) this.write(entry);
    });
    this.redis?.connect().catch(() => undefined);
  }

  record(use: Omit<OperationUse, 'lastSeen'>): void {
    const now = this.options.now();
    const entry: OperationUse = { ...use, lastSeen: now };
    this.memory.delete(use.id);
    this.memory.set(use.id, entry);
    if (this.memory.size > (this.options.maxOperations ?? 10_000)) {
      this.memory.delete(this.memory.keys().next().value!);
    }
    const last = this.written.get(use.id) ?? -Infinity;
    if (!this.redis || now - last < (this.options.writeEveryMs ?? 60_000)) return;
    this.write(entry);
  }

  private write(entry: OperationUse): void {
    this.written.set(entry.id, entry.lastSeen);
    this.redis?.hset(KEY, entry.id, JSON.stringify(entry)).catch((error: Error) => {
      this.written.delete(entry.id);
      this.options.logger.debug({ err: error.message }, 'usage: could not record an operation in Redis');
    });
  }

  /** Every operation seen since `since` (epoch ms), from every replica when Redis answers. */
  async since(since: number): Promise<OperationUse[]> {
    const all = new Map(this.memory);
    if (this.redis) {
      try {
        for (const [id, text] of Object.entries(await this.redis.hgetall(KEY))) {
          const shared = JSON.parse(text) as OperationUse;
          const local = all.get(id);
          if (!local || local.lastSeen < shared.lastSeen) all.set(id, shared);
        }
      } catch (error) {
        this.options.logger.warn(
          { err: (error as Error).message },
          'usage: Redis unavailable, using this replica’s own record of operations',
        );
      }
    }
    return [...all.values()].filter((u) => u.lastSeen >= since);
  }

  /** Operations to warm query plans with, as sent, most recently seen first. */
  async warmable(limit = 200): Promise<{ text: string; operationName: string | null }[]> {
    const uses = await this.since(0);
    return uses
      .sort((a, b) => b.lastSeen - a.lastSeen)
      .flatMap((u) => (u.text ? [{ text: u.text, operationName: u.name }] : []))
      .slice(0, limit);
  }

  async close(): Promise<void> {
    // QUIT waits for an answer; one that never comes must not hold up the stop.
    if (this.redis?.status === 'ready') await this.redis.quit().catch(() => undefined);
    this.redis?.disconnect();
  }
}
