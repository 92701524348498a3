import { Redis } from 'ioredis';
import type { Logger } from '../../lib/logger.js';

export interface IsolationDecision {
  readonly by: string;
  readonly reason: string;
  readonly at: string;
}

export interface QuarantineDecision extends IsolationDecision {
  /** ISO time: copies received at or after it are not served. */
  readonly since: string;
}

/** What operators decided about a supplier; shared by every replica through Redis. */
export interface SupplierDecision {
  readonly isolation?: IsolationDecision;
  readonly quarantine?: QuarantineDecision;
}

export type ControlAction = 'isolate' | 'restore' | 'reset' | 'quarantine' | 'lift_quarantine' | 'purge';

/** One control action, as logged, streamed to dashboards and published to other replicas. */
export interface ControlEvent {
  readonly replica: string;
  readonly action: ControlAction;
  readonly supplier?: string;
  /** Keyed hash of the patient for a purge by patient: NHS numbers never travel through Redis. */
  readonly patientTag?: string;
  readonly by: string;
  readonly reason: string;
  readonly at: string;
  /** The supplier's decision after the action (isolate, restore, quarantine, lift_quarantine). */
  readonly decision?: SupplierDecision;
}

const KEY = 'prag:v1:ops:decisions';
const CHANNEL = 'prag:v1:ops:events';

/**
 * Operators' decisions, held in this process and — when REDIS_URL is set — in a Redis hash that every
 * replica reads at start-up and after reconnecting, with each action published so running replicas apply
 * it at once. Without Redis (or while it is down) decisions apply to this replica only; those made while
 * Redis was down are written when it returns.
 */
export class DecisionStore {
  private readonly decisions = new Map<string, SupplierDecision>();
  private readonly listeners = new Set<(event: ControlEvent, origin: 'remote' | 'sync') => void>();
  private readonly pending = new Set<string>();
  private client: Redis | undefined;
  private subscriber: Redis | undefined;

  constructor(private readonly options: { redisUrl: string | undefined; replica: string; logger: Logger }) {}

  get shared(): boolean {
    return this.client !== undefined;
  }

  start(): void {
    const url = this.options.redisUrl;
    if (!url) return;
    const retryStrategy = (attempt: number) => Math.min(100 * 2 ** attempt, 5_000);
    this.client = new Redis(url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: 1_000,
      retryStrategy,
    });
    this.subscriber = new Redis(url, { retryStrategy });
    for (const connection of [this.client, this.subscriber]) connection.on('error', () => undefined);
    this.subscriber.on('message', (_channel: string, message: string) => this.receive(message));
    this.subscriber
      .subscribe(CHANNEL)
      .catch((error: Error) =>
        this.options.logger.warn({ err: error.message }, 'ops decisions: subscribe failed'),
      );
    this.client.on('ready', () => void this.resync());
  }

  get(supplier: string): SupplierDecision {
    return this.decisions.get(supplier) ?? {};
  }

  /** The quarantine cut-off for a supplier, as epoch ms (read by the cache on every stale lookup). */
  quarantinedSince(supplier: string): number | undefined {
    const since = this.decisions.get(supplier)?.quarantine?.since;
    return since === undefined ? undefined : Date.parse(since);
  }

  /** Hears actions taken on other replicas, and decisions found in Redis on (re)connecting. */
  onEvent(listener: (event: ControlEvent, origin: 'remote' | 'sync') => void): void {
    this.listeners.add(listener);
  }

  /** Records a decision and tells the other replicas. Resolves with whether Redis has it. */
  async decide(supplier: string, decision: SupplierDecision, event: ControlEvent): Promise<boolean> {
    this.decisions.set(supplier, decision);
    if (!this.client) return false;
    try {
      await this.client
        .multi()
        .hset(KEY, supplier, JSON.stringify(decision))
        .publish(CHANNEL, JSON.stringify(event))
        .exec();
      return true;
    } catch {
      this.pending.add(supplier);
      return false;
    }
  }

  /** Tells the other replicas of an action that leaves no lasting decision (reset, purge). */
  async announce(event: ControlEvent): Promise<boolean> {
    if (!this.client) return false;
    try {
      await this.client.publish(CHANNEL, JSON.stringify(event));
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    this.client?.disconnect();
    this.subscriber?.disconnect();
  }

  private receive(message: string): void {
    let event: ControlEvent;
    try {
      event = JSON.parse(message) as ControlEvent;
    } catch {
      return;
    }
    if (event.replica === this.options.replica) return;
    if (event.supplier && event.decision) this.decisions.set(event.supplier, event.decision);
    for (const listener of this.listeners) listener(event, 'remote');
  }

  /** On (re)connecting: write what was decided here while Redis was away, then adopt what Redis holds. */
  private async resync(): Promise<void> {
    const client = this.client!;
    try {
      for (const supplier of this.pending)
        await client.hset(KEY, supplier, JSON.stringify(this.get(supplier)));
      this.pending.clear();
      const stored = await client.hgetall(KEY);
      for (const [supplier, json] of Object.entries(stored)) {
        const decision = JSON.parse(json) as SupplierDecision;
        if (JSON.stringify(decision) === JSON.stringify(this.get(supplier))) continue;
        this.decisions.set(supplier, decision);
        const event: ControlEvent = {
          replica: 'redis',
          action: decision.isolation ? 'isolate' : 'restore',
          supplier,
          by: decision.isolation?.by ?? 'sync',
          reason: decision.isolation?.reason ?? 'decision read from Redis',
          at: new Date().toISOString(),
          decision,
        };
        for (const listener of this.listeners) listener(event, 'sync');
      }
    } catch (error) {
      this.options.logger.warn(
        { err: (error as Error).message },
        'ops decisions: could not read shared decisions',
      );
    }
  }
}
