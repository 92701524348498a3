/** Health of one storage tier, as ops and /readyz report it. */
export interface TierHealth {
  readonly tier: 'memory' | 'redis';
  readonly status: 'up' | 'down' | 'connecting';
  readonly detail?: string;
}

/**
 * Where sealed cache values live. Implementations must never make a caller wait long: reads and writes
 * are bounded by the store's own deadline and a failing store answers "nothing" rather than throwing.
 */
export interface CacheStore {
  /** Values for `keys`, in order; undefined where missing or when the store could not answer in time. */
  getMany(keys: readonly string[]): Promise<(Buffer | undefined)[]>;
  /** Stores values; resolves when done or abandoned. Never rejects. */
  setMany(entries: readonly { readonly key: string; readonly value: Buffer }[], ttlMs: number): Promise<void>;
  /**
   * Deletes every key matching a pattern where `*` matches any run of characters; resolves with the count.
   * `local` deletes from this process's tier only (another replica already purged the shared one).
   */
  deleteMatching(pattern: string, scope?: 'all' | 'local'): Promise<number>;
  /** Deletes these exact keys, wherever they are held. Never rejects. */
  deleteKeys(keys: readonly string[]): Promise<void>;
  health(): readonly TierHealth[];
  close(): Promise<void>;
}

/** `prag:v1:gp:*` -> a RegExp matching the same keys (only `*` is special). */
export function patternToRegExp(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`);
}
