/**
 * The stale-if-error cache: sealed last-known-good copies of each supplier's entities, in memory and (when
 * REDIS_URL is set) in Redis, served only when the supplier cannot answer.
 */
import type { Clock } from '../../lib/clock.js';
import type { RedisMode } from '../redis/index.js';
import type { Logger } from '../../lib/logger.js';
import { CacheCipher } from './cipher.js';
import { EntityCache, type CacheObserver } from './entity-cache.js';
import { MemoryStore } from './memory-store.js';
import { RedisStore, redactRedisUrl } from './redis-store.js';
import { cacheSecrets } from './secrets.js';
import type { CacheStore, TierHealth } from './store.js';
import { TieredStore } from './tiered-store.js';

export {
  EntityCache,
  FUTURE_TOLERANCE_MS,
  KEY_PREFIX,
  type CachedEntity,
  type CacheObserver,
  type RecallOutcome,
} from './entity-cache.js';
export { CacheCipher } from './cipher.js';
export { cacheSecrets, keyedHash } from './secrets.js';
export { MemoryStore } from './memory-store.js';
export { RedisStore, redactRedisUrl } from './redis-store.js';
export type { CacheStore, TierHealth } from './store.js';

export interface CacheSettings {
  readonly redisUrl: string | undefined;
  /** `cluster`: redisUrl lists a Redis Cluster's seed nodes. */
  readonly redisMode: RedisMode;
  readonly encryptionKey: string | undefined;
  readonly maxStalenessMs: number;
  readonly refreshIntervalMs: number;
  readonly memoryMaxBytes: number;
  readonly redisTimeoutMs: number;
}

export interface GatewayCache {
  readonly entities: EntityCache;
  /** `memory` or `memory+redis`. */
  readonly backend: string;
  health(): readonly TierHealth[];
  close(): Promise<void>;
}

export function createCache(
  settings: CacheSettings,
  deps: {
    clock: Clock;
    logger: Logger;
    quarantinedSince: (supplier: string) => number | undefined;
    purgedBefore: (supplier: string, patientTag: string) => number | undefined;
    observer?: CacheObserver;
  },
): GatewayCache {
  const secrets = cacheSecrets(settings.encryptionKey);
  if (secrets.generated) {
    deps.logger.warn(
      'CACHE_ENCRYPTION_KEY is not set: using a throwaway key generated for this process. Cached copies will be unreadable after a restart. Set a 32-byte key (64 hex characters) outside development.',
    );
  }
  const memory = new MemoryStore(settings.memoryMaxBytes);
  const redis = settings.redisUrl
    ? new RedisStore({
        url: settings.redisUrl,
        mode: settings.redisMode,
        commandTimeoutMs: settings.redisTimeoutMs,
        logger: deps.logger,
      })
    : undefined;
  const store: CacheStore = redis ? new TieredStore(memory, redis, settings.maxStalenessMs) : memory;
  deps.logger.info(
    {
      cache: redis ? 'memory+redis' : 'memory',
      redis: settings.redisUrl ? redactRedisUrl(settings.redisUrl) : 'not configured',
    },
    'stale-if-error cache ready',
  );
  const entities = new EntityCache({
    store,
    cipher: new CacheCipher(secrets.encryptionKey),
    keyHashKey: secrets.keyHashKey,
    clock: deps.clock,
    maxStalenessMs: settings.maxStalenessMs,
    refreshIntervalMs: settings.refreshIntervalMs,
    quarantinedSince: deps.quarantinedSince,
    purgedBefore: deps.purgedBefore,
    ...(deps.observer ? { observer: deps.observer } : {}),
  });
  return {
    entities,
    backend: redis ? 'memory+redis' : 'memory',
    health: () => store.health(),
    // Copies remembered before the stop are written first, so a restarted replica can serve them.
    close: async () => {
      await entities.settle();
      await store.close();
    },
  };
}

/** Tells two cache observers of everything (metrics, plus the one a test passes in). */
export function bothObservers(a: CacheObserver, b: CacheObserver): CacheObserver {
  return {
    recalled: (supplier, outcome) => {
      a.recalled(supplier, outcome);
      b.recalled(supplier, outcome);
    },
    wrote: (supplier, outcome, count) => {
      a.wrote(supplier, outcome, count);
      b.wrote(supplier, outcome, count);
    },
  };
}
