import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { Clock } from '../../lib/clock.js';
import type { CacheCipher } from './cipher.js';
import { keyedHash } from './secrets.js';
import { patternToRegExp, type CacheStore } from './store.js';

export type RecallOutcome =
  'hit' | 'miss' | 'expired' | 'future-dated' | 'quarantined' | 'purged' | 'unreadable';

/**
 * How far in the future a copy's receipt time may be (a small clock step between replicas, or an NTP
 * correction) and still be served. Beyond it the clock has jumped backwards and the copy's age cannot be
 * told, so it is not served: showing an age that may be wrong is worse than saying the section is missing.
 */
export const FUTURE_TOLERANCE_MS = 5 * 60_000;
export type WriteOutcome = 'written' | 'skipped' | 'failed';

/** Counts what the cache does, per supplier; the metrics module turns these into Prometheus counters. */
export interface CacheObserver {
  recalled(supplier: string, outcome: RecallOutcome): void;
  wrote(supplier: string, outcome: WriteOutcome, count: number): void;
}

export const NO_OBSERVER: CacheObserver = { recalled: () => undefined, wrote: () => undefined };

export interface CachedEntity {
  readonly entity: unknown;
  /** Epoch ms the supplier's answer was received. */
  readonly receivedAt: number;
}

export interface EntityCacheOptions {
  readonly store: CacheStore;
  readonly cipher: CacheCipher;
  readonly keyHashKey: Buffer;
  readonly clock: Clock;
  /** Copies older than this are never served (and expire from the store). */
  readonly maxStalenessMs: number;
  /** A copy is rewritten at most this often per patient and selection, to keep writes off a busy hot path. */
  readonly refreshIntervalMs: number;
  /** Data a supplier sent at or after this time is not served (ops quarantine after a compromise). */
  readonly quarantinedSince: (supplier: string) => number | undefined;
  /** When copies of a patient from a supplier were last purged: older copies are never served again. */
  readonly purgedBefore: (supplier: string, patientTag: string) => number | undefined;
  readonly observer?: CacheObserver;
}

export const KEY_PREFIX = 'prag:v1';

/**
 * The stale-if-error store: one entry per (supplier, patient, selection), holding the entity exactly as the
 * supplier sent it and when it arrived. Keys carry a keyed hash of the NHS number, never the number itself;
 * values are sealed with AES-256-GCM. Governance rules (maximum staleness, quarantine) are applied on read,
 * so a rule change takes effect at once without touching stored data.
 */
export class EntityCache {
  private readonly patientTags = new LRUCache<string, string>({ max: 20_000 });
  private readonly selectionIds = new LRUCache<string, string>({ max: 2_000 });
  private readonly lastWritten = new LRUCache<string, number>({ max: 50_000 });
  private pending: { supplier: string; key: string; entity: unknown; receivedAt: number }[] = [];
  private flushScheduled = false;
  private readonly writing = new Set<Promise<void>>();
  private readonly observer: CacheObserver;

  constructor(private readonly options: EntityCacheOptions) {
    if (!(options.maxStalenessMs > 0))
      throw new RangeError(`maxStalenessMs must be positive, got ${options.maxStalenessMs}`);
    this.observer = options.observer ?? NO_OBSERVER;
  }

  /** A short stable id for what was asked of the supplier (its operation text and non-entity variables). */
  selectionId(operation: string): string {
    let id = this.selectionIds.get(operation);
    if (id === undefined) {
      id = createHash('sha256').update(operation).digest('base64url').slice(0, 16);
      this.selectionIds.set(operation, id);
    }
    return id;
  }

  /**
   * Remembers entities from a live answer. Returns at once: copies written within the refresh interval
   * are skipped here, the rest are sealed and stored together after the answer has been sent.
   */
  remember(
    supplier: string,
    selection: string,
    entities: readonly { nhsNumber: string; entity: unknown }[],
  ): void {
    if (entities.length === 0) return;
    // While quarantined, new copies are never served: writing them would only overwrite older good ones.
    if (this.options.quarantinedSince(supplier) !== undefined) return;
    const receivedAt = this.options.clock.now();
    let skipped = 0;
    for (const { nhsNumber, entity } of entities) {
      const key = this.key(supplier, nhsNumber, selection);
      const last = this.lastWritten.get(key);
      if (last !== undefined && receivedAt - last < this.options.refreshIntervalMs) {
        skipped++;
        continue;
      }
      this.lastWritten.set(key, receivedAt);
      this.pending.push({ supplier, key, entity, receivedAt });
    }
    if (skipped > 0) this.observer.wrote(supplier, 'skipped', skipped);
    if (this.pending.length > 0 && !this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => void this.track(this.flush()));
    }
  }

  /** Resolves once every copy remembered so far has been written (or failed): for a graceful stop. */
  async settle(): Promise<void> {
    if (this.pending.length > 0) await this.track(this.flush());
    await Promise.all(this.writing);
  }

  private track(write: Promise<void>): Promise<void> {
    this.writing.add(write);
    return write.finally(() => this.writing.delete(write));
  }

  /** The usable cached copy for each NHS number, in order (undefined: none that may be served). */
  async recall(
    supplier: string,
    selection: string,
    nhsNumbers: readonly string[],
  ): Promise<(CachedEntity | undefined)[]> {
    const keys = nhsNumbers.map((n) => this.key(supplier, n, selection));
    const sealed = await this.options.store.getMany(keys);
    const now = this.options.clock.now();
    const cutoff = this.options.quarantinedSince(supplier);
    return sealed.map((value, i) => {
      const purged = this.options.purgedBefore(supplier, this.patientTag(nhsNumbers[i]!));
      const outcome = this.unseal(value, keys[i]!, now, cutoff, purged);
      this.observer.recalled(supplier, typeof outcome === 'string' ? outcome : 'hit');
      return typeof outcome === 'string' ? undefined : outcome;
    });
  }

  /**
   * Deletes every copy from a supplier, of a patient (by NHS number, or by the keyed hash `patientTag`
   * that replicas exchange instead), or both. Resolves with the number deleted.
   */
  purge(
    filter: { readonly supplier?: string; readonly nhsNumber?: string; readonly patientTag?: string },
    options: { readonly localOnly?: boolean } = {},
  ): Promise<number> {
    const tag =
      filter.patientTag ?? (filter.nhsNumber === undefined ? undefined : this.patientTag(filter.nhsNumber));
    if (filter.supplier === undefined && tag === undefined) {
      return Promise.reject(new RangeError('purge needs a supplier, a patient or both'));
    }
    const supplier = filter.supplier ?? '*';
    const patient = tag ?? '*';
    const pattern = `${KEY_PREFIX}:${supplier}:${patient}:*`;
    // Copies waiting to be written would otherwise land after the purge and bring the data back.
    const match = patternToRegExp(pattern);
    this.pending = this.pending.filter((p) => !match.test(p.key));
    this.lastWritten.clear();
    return this.options.store.deleteMatching(pattern, options.localOnly ? 'local' : 'all');
  }

  /**
   * Drops the copy of one patient's answer (and any write still waiting for it): the supplier has just
   * refused or withdrawn it (no record, no consent), so the older copy must not be served in an outage.
   */
  forget(supplier: string, selection: string, nhsNumber: string): void {
    const key = this.key(supplier, nhsNumber, selection);
    this.pending = this.pending.filter((p) => p.key !== key);
    this.lastWritten.delete(key);
    void this.options.store.deleteKeys([key]);
  }

  private key(supplier: string, nhsNumber: string, selection: string): string {
    return `${KEY_PREFIX}:${supplier}:${this.patientTag(nhsNumber)}:${selection}`;
  }

  /** The keyed hash that stands for a patient in cache keys (never the NHS number itself). */
  patientTag(nhsNumber: string): string {
    let tag = this.patientTags.get(nhsNumber);
    if (tag === undefined) {
      tag = keyedHash(this.options.keyHashKey, nhsNumber);
      this.patientTags.set(nhsNumber, tag);
    }
    return tag;
  }

  private unseal(
    value: Buffer | undefined,
    key: string,
    now: number,
    cutoff: number | undefined,
    purged: number | undefined,
  ): CachedEntity | RecallOutcome {
    if (value === undefined) return 'miss';
    const plaintext = this.options.cipher.open(value, key);
    if (plaintext === undefined) return 'unreadable';
    const stored = JSON.parse(plaintext) as CachedEntity;
    if (now - stored.receivedAt > this.options.maxStalenessMs) return 'expired';
    if (stored.receivedAt - now > FUTURE_TOLERANCE_MS) return 'future-dated';
    if (cutoff !== undefined && stored.receivedAt >= cutoff) return 'quarantined';
    if (purged !== undefined && stored.receivedAt <= purged) return 'purged';
    return stored;
  }

  /** Seals and stores everything remembered since the last flush, in one batch (one Redis round trip). */
  private async flush(): Promise<void> {
    this.flushScheduled = false;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    const bySupplier = new Map<string, number>();
    for (const p of batch) bySupplier.set(p.supplier, (bySupplier.get(p.supplier) ?? 0) + 1);
    const sealed = batch.map((p) => ({
      key: p.key,
      value: this.options.cipher.seal(JSON.stringify({ entity: p.entity, receivedAt: p.receivedAt }), p.key),
    }));
    let outcome: WriteOutcome = 'written';
    try {
      await this.options.store.setMany(sealed, this.options.maxStalenessMs);
    } catch {
      outcome = 'failed';
    }
    for (const [supplier, count] of bySupplier) this.observer.wrote(supplier, outcome, count);
  }
}
