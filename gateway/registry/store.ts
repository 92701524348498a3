import { every, systemClock, type Clock } from '../../lib/clock.js';
import type { Logger } from '../../lib/logger.js';
import { EMPTY_REGISTRY, type RegistryState } from './entries.js';
import { RegistryError } from './errors.js';
import { parseState } from './persisted.js';
import { connectRedis, type RedisClient, type RedisMode } from '../redis/index.js';

const KEY = 'prag:v1:registry';
const CHANNEL = 'prag:v1:registry:changes';
const REPLICAS = 'prag:v1:registry:replicas';
const RESYNC_EVERY_MS = 5_000;

/**
 * Writes the next state only if the stored revision is still the one it was made from, and tells every
 * replica; otherwise returns the stored revision. One key, so it runs as one atomic step.
 */
const COMPARE_AND_SET = `
local current = redis.call('HGET', KEYS[1], 'revision') or '0'
if current ~= ARGV[1] then return current end
redis.call('HSET', KEYS[1], 'revision', ARGV[2], 'state', ARGV[3])
redis.call('PUBLISH', ARGV[4], ARGV[2])
return 'OK'`;

/**
 * Where this replica's registry state came from: `redis` (the shared source of truth), `local` (no Redis
 * configured: this replica's own file), `last-known-good` (Redis configured but not reachable at start:
 * the copy this replica last served), `bootstrap` (neither: the configured market and committed supergraph).
 */
export type RegistrySource = 'redis' | 'local' | 'last-known-good' | 'bootstrap';

export interface ReplicaAck {
  readonly replica: string;
  readonly revision: number;
  readonly at: string;
}

export interface RegistryStoreOptions {
  readonly redisUrl: string | undefined;
  readonly redisMode?: RedisMode;
  readonly replica: string;
  readonly logger: Logger;
  readonly now: () => number;
  /** Drives the periodic re-read (the system clock by default). */
  readonly clock?: Clock;
}

/**
 * The registry's state, shared by every replica through Redis when REDIS_URL is set: a change is written
 * with a compare-and-set on the revision (of two concurrent changes one wins, the other is told to check
 * again) and published, so every replica applies it at once; replicas also re-read it every 5 s and
 * whenever their connection comes back. A change is refused while Redis cannot be reached, so replicas
 * never diverge. Without Redis the state is this replica's alone.
 */
export class RegistryStore {
  private current: RegistryState = EMPTY_REGISTRY;
  private from: RegistrySource = 'bootstrap';
  private client: RedisClient | undefined;
  private subscriber: RedisClient | undefined;
  private stopResync: (() => void) | undefined;
  private readonly listeners = new Set<(state: RegistryState) => void>();

  constructor(private readonly options: RegistryStoreOptions) {}

  get state(): RegistryState {
    return this.current;
  }

  get source(): RegistrySource {
    return this.from;
  }

  get shared(): boolean {
    return this.client !== undefined;
  }

  /** Told of every state adopted after start (changes here, and changes other replicas made). */
  onChange(listener: (state: RegistryState) => void): void {
    this.listeners.add(listener);
  }

  /**
   * Reads the shared state, waiting at most `waitMs`. When it cannot (or no Redis is configured), starts
   * from `fallback` — the last-known-good copy, if there is one — and says so in `source`.
   */
  async start(
    waitMs: number,
    fallback: { state: RegistryState; source: 'local' | 'last-known-good' } | undefined,
  ): Promise<void> {
    const url = this.options.redisUrl;
    if (fallback) [this.current, this.from] = [fallback.state, fallback.source];
    if (!url) {
      if (!fallback) this.from = 'local';
      return;
    }
    const retryStrategy = (attempt: number) => Math.min(100 * 2 ** attempt, 5_000);
    const mode = this.options.redisMode ?? 'single';
    this.client = connectRedis(url, mode, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: 2_000,
      retryStrategy,
    });
    this.subscriber = connectRedis(url, mode, { retryStrategy });
    for (const connection of [this.client, this.subscriber]) connection.on('error', () => undefined);
    this.subscriber.on('message', (_channel: string, revision: string) => {
      if (Number(revision) > this.current.revision) void this.resync();
    });
    this.subscriber.on('ready', () => void this.resync());
    this.client.on('ready', () => void this.resync());
    void this.subscriber.subscribe(CHANNEL).catch(() => undefined);
    this.stopResync = every(this.options.clock ?? systemClock, RESYNC_EVERY_MS, () => void this.resync());
    const deadline = this.options.now() + waitMs;
    while (this.from !== 'redis' && this.options.now() < deadline)
      await new Promise((r) => setTimeout(r, 25));
    if (this.from !== 'redis') {
      this.options.logger.warn(
        { source: this.from, revision: this.current.revision },
        `registry: Redis not reachable at start; serving the ${this.from} state until it is`,
      );
    }
  }

  /**
   * Makes `next` the state, if `base` (the state it was made from) is still current everywhere. Throws
   * REGISTRY_CONFLICT when another change came first, REGISTRY_UNAVAILABLE when Redis cannot be reached.
   */
  async commit(base: RegistryState, next: RegistryState): Promise<void> {
    if (base.revision !== this.current.revision) throw this.conflict(base.revision, this.current.revision);
    if (this.client) {
      if (this.from !== 'redis' || this.client.status !== 'ready') {
        throw new RegistryError(
          'REGISTRY_UNAVAILABLE',
          'the registry store (Redis) cannot be reached: no change is made that other replicas could not see',
        );
      }
      let answer: unknown;
      try {
        answer = await this.client.eval(
          COMPARE_AND_SET,
          1,
          KEY,
          String(base.revision),
          String(next.revision),
          JSON.stringify(next),
          CHANNEL,
        );
      } catch (error) {
        throw new RegistryError(
          'REGISTRY_UNAVAILABLE',
          `the registry store (Redis) failed: ${(error as Error).message}`,
        );
      }
      if (answer !== 'OK') {
        void this.resync();
        throw this.conflict(base.revision, Number(answer));
      }
    }
    this.adopt(next);
  }

  /** Records that this replica serves `revision` (the ops console shows every replica's). */
  async acknowledge(revision: number): Promise<void> {
    if (!this.client || this.client.status !== 'ready') return;
    const ack: ReplicaAck = {
      replica: this.options.replica,
      revision,
      at: new Date(this.options.now()).toISOString(),
    };
    await this.client.hset(REPLICAS, this.options.replica, JSON.stringify(ack)).catch(() => undefined);
  }

  /** The revision each replica last said it serves. */
  async replicas(): Promise<ReplicaAck[]> {
    if (!this.client || this.client.status !== 'ready') return [];
    try {
      const all = await this.client.hgetall(REPLICAS);
      return Object.values(all)
        .map((v) => JSON.parse(v) as ReplicaAck)
        .sort((a, b) => a.replica.localeCompare(b.replica));
    } catch {
      return [];
    }
  }

  async close(): Promise<void> {
    this.stopResync?.();
    this.client?.disconnect();
    this.subscriber?.disconnect();
  }

  private conflict(base: number, current: number): RegistryError {
    return new RegistryError(
      'REGISTRY_CONFLICT',
      `the registry changed while this was checked (revision ${base}, now ${current}): check again`,
    );
  }

  /** Adopts what Redis holds (an empty Redis is revision 0: nothing registered yet). */
  private async resync(): Promise<void> {
    const client = this.client;
    if (!client || client.status !== 'ready') return;
    try {
      // The whole state is read only when its revision moved: most re-reads cost one HGET.
      const revision = await client.hget(KEY, 'revision');
      if (this.from === 'redis' && revision !== null && Number(revision) === this.current.revision) return;
      const stored = await client.hgetall(KEY);
      if (stored.state === undefined && this.current.revision > 0) {
        // Redis lost its data (or is new) while this replica holds a served state: write it back rather
        // than fall back to nothing. Another replica may do the same first; the compare-and-set decides.
        await client.eval(
          COMPARE_AND_SET,
          1,
          KEY,
          '0',
          String(this.current.revision),
          JSON.stringify(this.current),
          CHANNEL,
        );
        this.options.logger.warn(
          { revision: this.current.revision },
          'registry: Redis held no state; wrote back the state in service',
        );
        return this.resync();
      }
      const state = stored.state === undefined ? EMPTY_REGISTRY : parseState(stored.state);
      if (!state) {
        this.options.logger.error('registry: the state in Redis does not parse; keeping the one in service');
        return;
      }
      const wasShared = this.from === 'redis';
      // Revisions only go up in Redis. An older one is either a read that began before this replica's own
      // commit, or Redis lost data and came back with an older copy: write the newer state back, compare-
      // and-set on what Redis holds (a no-op in the first case, as Redis already holds the newer one).
      if (wasShared && state.revision < this.current.revision) {
        const answer = await client.eval(
          COMPARE_AND_SET,
          1,
          KEY,
          String(state.revision),
          String(this.current.revision),
          JSON.stringify(this.current),
          CHANNEL,
        );
        if (answer === 'OK') {
          this.options.logger.warn(
            { held: state.revision, revision: this.current.revision },
            'registry: Redis held an older state than the one in service; wrote the newer one back',
          );
        }
        return;
      }
      this.from = 'redis';
      if (state.revision !== this.current.revision || !wasShared) this.adopt(state);
    } catch (error) {
      this.options.logger.warn(
        { err: (error as Error).message },
        'registry: could not read the shared state',
      );
    }
  }

  private adopt(state: RegistryState): void {
    this.current = state;
    for (const listener of this.listeners) listener(state);
  }
}
