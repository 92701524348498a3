import { every, systemClock, type Clock } from '../../lib/clock.js';
import type { Logger } from '../../lib/logger.js';
import {
  controlEventSchema,
  DecisionState,
  storedField,
  type ControlEvent,
  type MigrationDecision,
  type SupplierDecision,
} from './decision-state.js';
import { connectRedis, type RedisClient, type RedisMode } from '../redis/index.js';

export type {
  ControlAction,
  ControlEvent,
  IsolationDecision,
  MigrationDecision,
  QuarantineDecision,
  SupplierDecision,
} from './decision-state.js';

const KEY = 'prag:v1:ops:decisions';
const CHANNEL = 'prag:v1:ops:events';
const RESYNC_EVERY_MS = 5_000;

export type EventOrigin = 'remote' | 'sync';

/**
 * Operators' decisions, shared by every replica when REDIS_URL is set: each action changes one field of a
 * Redis hash and is published on a channel, so running replicas apply it at once; a replica reads the hash
 * when it starts, whenever either of its connections comes back, and every 5 s besides, so nothing published
 * while it was away or resubscribing is missed for long. Actions taken while Redis is down apply here at once and are written and published when
 * it returns. Without Redis, decisions apply to this replica only.
 */
export class DecisionStore {
  private readonly state: DecisionState;
  private readonly listeners = new Set<(event: ControlEvent, origin: EventOrigin) => void>();
  private pending: ControlEvent[] = [];
  private client: RedisClient | undefined;
  private subscriber: RedisClient | undefined;
  private loaded = false;
  /** Bumped by every action taken here: a read of Redis begun before one must not undo it. */
  private localActions = 0;
  private stopResync: (() => void) | undefined;

  constructor(
    private readonly options: {
      redisUrl: string | undefined;
      redisMode?: RedisMode;
      replica: string;
      logger: Logger;
      now: () => number;
      /** Drives the periodic re-read (the system clock by default). */
      clock?: Clock;
      /** Purge records older than this cover nothing (copies expire first) and are dropped. */
      forgetPurgesAfterMs: number;
    },
  ) {
    this.state = new DecisionState(options.forgetPurgesAfterMs);
  }

  get shared(): boolean {
    return this.client !== undefined;
  }

  /** Whether the shared decisions have been read at least once (always true without Redis). */
  get current(): boolean {
    return !this.client || this.loaded;
  }

  /** Connects and reads the current decisions, waiting at most `waitMs` so a replica starts with them. */
  async start(waitMs: number): Promise<void> {
    const url = this.options.redisUrl;
    if (!url) return;
    const retryStrategy = (attempt: number) => Math.min(100 * 2 ** attempt, 5_000);
    const mode = this.options.redisMode ?? 'single';
    this.client = connectRedis(url, mode, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: 1_000,
      retryStrategy,
    });
    this.subscriber = connectRedis(url, mode, { retryStrategy });
    for (const connection of [this.client, this.subscriber]) connection.on('error', () => undefined);
    this.subscriber.on('message', (_channel: string, message: string) => this.receive(message));
    this.subscriber.on('ready', () => void this.resync());
    this.client.on('ready', () => void this.resync());
    void this.subscriber.subscribe(CHANNEL).catch(() => undefined);
    // A safety net under pub/sub: a message published while this replica was resubscribing is missed, so
    // the shared decisions are also re-read every few seconds (one HGETALL).
    this.stopResync = every(this.options.clock ?? systemClock, RESYNC_EVERY_MS, () => void this.resync());
    const deadline = this.options.now() + waitMs;
    while (!this.loaded && this.options.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    if (!this.loaded) {
      this.options.logger.warn('ops decisions: Redis not reachable at start; running with none until it is');
    }
  }

  get(supplier: string): SupplierDecision {
    return this.state.get(supplier);
  }

  quarantinedSince(supplier: string): number | undefined {
    return this.state.quarantinedSince(supplier);
  }

  purgedBefore(supplier: string, patientTag: string): number | undefined {
    return this.state.purgedBefore(supplier, patientTag);
  }

  /** Migrations scheduled or in effect, by organisation. */
  migrations(): ReadonlyMap<string, MigrationDecision> {
    return this.state.migrations();
  }

  /** Hears actions taken on other replicas, and differences found on (re)reading the shared decisions. */
  onEvent(listener: (event: ControlEvent, origin: EventOrigin) => void): void {
    this.listeners.add(listener);
  }

  /** Applies an action here and shares it. Resolves with whether the other replicas were told. */
  async record(event: ControlEvent): Promise<boolean> {
    this.localActions++;
    this.state.apply(event);
    if (!this.client) return false;
    try {
      await this.write(event);
      return true;
    } catch {
      this.pending.push(event);
      return false;
    }
  }

  async close(): Promise<void> {
    this.stopResync?.();
    this.client?.disconnect();
    this.subscriber?.disconnect();
  }

  private async write(event: ControlEvent): Promise<void> {
    const stored = storedField(event);
    const multi = this.client!.multi();
    if (stored?.value === undefined && stored) multi.hdel(KEY, stored.field);
    else if (stored) multi.hset(KEY, stored.field, stored.value!);
    await multi.publish(CHANNEL, JSON.stringify(event)).exec();
  }

  private receive(message: string): void {
    let event: ControlEvent;
    try {
      const parsed = controlEventSchema.safeParse(JSON.parse(message));
      if (!parsed.success) {
        this.options.logger.warn(
          { issues: parsed.error.issues.length },
          'ops decisions: ignored a malformed event from Redis',
        );
        return;
      }
      event = parsed.data;
    } catch {
      return;
    }
    if (event.replica === this.options.replica) return;
    this.state.apply(event);
    this.emit(event, 'remote');
  }

  /** Writes what was decided here while Redis was away, then adopts what Redis holds. */
  private async resync(): Promise<void> {
    const client = this.client;
    if (!client || client.status !== 'ready') return;
    try {
      while (this.pending.length > 0) {
        await this.write(this.pending[0]!);
        this.pending.shift();
      }
      const actionsBefore = this.localActions;
      const fields = await client.hgetall(KEY);
      // An action taken here while the read was under way is newer than what it returned: read again
      // (the new read is queued behind the action's write on the same connection, so it sees it).
      if (actionsBefore !== this.localActions) return this.resync();
      const changes = this.state.replaceWith(fields, this.options.now());
      const expired = this.state.prune(this.options.now());
      if (expired.length > 0) await client.hdel(KEY, ...expired);
      this.loaded = true;
      for (const change of changes) this.emit(change, 'sync');
    } catch (error) {
      this.options.logger.warn(
        { err: (error as Error).message },
        'ops decisions: could not read shared decisions',
      );
    }
  }

  private emit(event: ControlEvent, origin: EventOrigin): void {
    for (const listener of this.listeners) listener(event, origin);
  }
}
