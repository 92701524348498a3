/**
 * One way to reach Redis, single or clustered. Every Redis use (cache tier, ops decisions, registry,
 * usage) connects through here, so each works against a Redis Cluster as well as one Redis.
 *
 * Cluster contract, kept by every caller: no command or transaction touches two keys (each store keeps its
 * state in one hash, and the cache reads and writes key by key, which auto-pipelining groups per node), so
 * no hash tags are needed; publishes reach every replica because cluster pub/sub is broadcast to all nodes;
 * a purge scans every master.
 */
import { Cluster, Redis, type RedisOptions } from 'ioredis';

export type RedisMode = 'single' | 'cluster';
export type RedisClient = Redis | Cluster;

export interface ConnectOptions {
  readonly enableOfflineQueue?: boolean;
  readonly maxRetriesPerRequest?: number | null;
  readonly commandTimeout?: number;
  readonly connectTimeout?: number;
  readonly enableAutoPipelining?: boolean;
  readonly lazyConnect?: boolean;
  readonly retryStrategy?: (attempt: number) => number | null;
}

/**
 * A client for `url`: in cluster mode a comma-separated list of seed nodes
 * (`redis://:password@10.0.0.1:6379,redis://10.0.0.2:6379`), whose first entry carries the credentials
 * and TLS choice for all.
 */
export function connectRedis(url: string, mode: RedisMode, options: ConnectOptions): RedisClient {
  const { enableOfflineQueue, retryStrategy, enableAutoPipelining, lazyConnect, ...perNode } = options;
  if (mode === 'single') {
    return new Redis(url, {
      ...defined({ enableOfflineQueue, retryStrategy, enableAutoPipelining, lazyConnect }),
      ...defined(perNode),
    });
  }
  const seeds = clusterSeeds(url);
  const first = new URL(seeds[0]!);
  const redisOptions: RedisOptions = {
    ...defined(perNode),
    ...(first.username ? { username: decodeURIComponent(first.username) } : {}),
    ...(first.password ? { password: decodeURIComponent(first.password) } : {}),
    ...(first.protocol === 'rediss:' ? { tls: {} } : {}),
  };
  return new Cluster(
    seeds.map((s) => {
      const u = new URL(s);
      return { host: u.hostname, port: Number(u.port || 6379) };
    }),
    {
      redisOptions,
      ...defined({ enableOfflineQueue, enableAutoPipelining, lazyConnect }),
      ...(retryStrategy ? { clusterRetryStrategy: retryStrategy } : {}),
      // After a failover the new master is found from the next slots refresh: keep it frequent.
      slotsRefreshInterval: 2_000,
    },
  );
}

/** The seed URLs of a cluster REDIS_URL; throws a message quoting the bad entry. */
export function clusterSeeds(url: string): string[] {
  const seeds = url.split(',').map((s) => s.trim());
  for (const seed of seeds) {
    if (!/^rediss?:\/\/[^/]+/.test(seed))
      throw new Error(`not a redis:// or rediss:// URL: ${JSON.stringify(redact(seed))}`);
  }
  return seeds;
}

/** Every master of a cluster, or the one server: where a key scan must run to see every key. */
export function scanTargets(client: RedisClient): Redis[] {
  // A master lost in a failover stays listed until the next slots refresh; its replacement is listed too.
  return client instanceof Cluster
    ? client.nodes('master').filter((node) => node.status !== 'end' && node.status !== 'close')
    : [client];
}

function redact(seed: string): string {
  return seed.replace(/\/\/[^@/]*@/, '//***@');
}

function defined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
