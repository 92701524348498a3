import DataLoader from 'dataloader';
import type { FaultSettings } from './faults.js';
import type { SubgraphStats } from './http.js';

/** A supplier's record store: one call looks up a whole batch of patients. */
export interface RecordBackend<TRecord> {
  lookup(nhsNumbers: readonly string[]): Promise<ReadonlyMap<string, TRecord>>;
}

export interface InMemoryBackendOptions<TRecord> {
  readonly records: ReadonlyMap<string, TRecord>;
  /** The organisations each patient's record belongs to, for the per-organisation statistics. */
  readonly organisations: ReadonlyMap<string, readonly string[]>;
  readonly latencyMs: number;
  readonly stats: SubgraphStats;
}

/**
 * The reference suppliers' backend: records held in memory, with optional artificial latency per lookup
 * so load tests can model a real supplier's database round trip.
 */
export function inMemoryBackend<TRecord>(options: InMemoryBackendOptions<TRecord>): RecordBackend<TRecord> {
  return {
    async lookup(nhsNumbers) {
      options.stats.backendLookups++;
      options.stats.recordsLooked += nhsNumbers.length;
      if (options.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, options.latencyMs));
      const found = new Map<string, TRecord>();
      const at = new Date().toISOString();
      for (const n of nhsNumbers) {
        const record = options.records.get(n);
        if (record === undefined) continue;
        found.set(n, record);
        for (const org of options.organisations.get(n) ?? []) {
          const seen = (options.stats.byOrganisation[org] ??= { lookups: 0, lastAt: at });
          seen.lookups++;
          seen.lastAt = at;
        }
      }
      return found;
    },
  };
}

/**
 * The per-request loader behind `__resolveReference`: all references in one entities request become one
 * backend lookup. With the `wrong-patient` fault, each number is answered with a neighbour's record.
 */
export function recordLoader<TRecord>(
  backend: RecordBackend<TRecord>,
  faults: FaultSettings,
  neighbour: (nhsNumber: string) => string,
): DataLoader<string, TRecord | undefined> {
  const swap = faults.mode === 'wrong-patient';
  return new DataLoader(async (keys) => {
    const asked = swap ? keys.map(neighbour) : keys;
    const found = await backend.lookup(asked);
    return asked.map((k) => found.get(k));
  });
}
