import type { BreakerStats } from '../breakers/index.js';
import type { TierHealth } from '../cache/index.js';
import type { IsolationDecision, QuarantineDecision } from './decisions.js';
import type { OpsParts } from './parts.js';

export interface SupplierStatus {
  readonly name: string;
  readonly url: string;
  readonly state: BreakerStats['state'];
  readonly since: string;
  readonly timeInStateMs: number;
  /** Rolling-window figures from the breaker. */
  readonly window: Omit<BreakerStats, 'state' | 'since' | 'lastFailure'>;
  readonly lastFailure: { readonly reason: string; readonly detail: string; readonly at: string } | null;
  /** When the supplier last answered live; the age of the freshest data the gateway holds for it. */
  readonly lastLiveAt: string | null;
  readonly staleServed: number;
  readonly unavailableServed: number;
  readonly cache: { readonly hits: number; readonly lookups: number; readonly hitRatio: number | null };
  readonly isolation: IsolationDecision | null;
  readonly quarantine: QuarantineDecision | null;
}

export interface OpsStatus {
  readonly replica: string;
  readonly at: string;
  readonly ready: boolean;
  readonly cache: {
    readonly backend: string;
    readonly tiers: readonly TierHealth[];
    readonly sharedDecisions: boolean;
  };
  readonly suppliers: readonly SupplierStatus[];
}

/** What the status is read from. */
export type StatusSources = Omit<OpsParts, 'logger'>;

const iso = (ms: number) => new Date(ms).toISOString();

/** Everything an on-call engineer needs about each supplier, in one object (GET /api/status). */
export async function opsStatus(sources: StatusSources): Promise<OpsStatus> {
  const now = sources.clock.now();
  const metric = (name: string, labels: Record<string, string>) => sources.metrics.value(name, labels);
  const suppliers = await Promise.all(
    sources.suppliers.map(async (s): Promise<SupplierStatus> => {
      const { state, since, lastFailure, ...window } = s.breaker.stats();
      const lookups = await metric('patient_gateway_cache_lookups_total', { supplier: s.name });
      const hits = await metric('patient_gateway_cache_lookups_total', { supplier: s.name, result: 'hit' });
      const lastLive = await metric('patient_gateway_supplier_last_live_timestamp_seconds', {
        supplier: s.name,
      });
      const decision = sources.decisions.get(s.name);
      return {
        name: s.name,
        url: s.url,
        state,
        since: iso(since),
        timeInStateMs: now - since,
        window,
        lastFailure: lastFailure ? { ...lastFailure, at: iso(lastFailure.at) } : null,
        lastLiveAt: lastLive > 0 ? iso(lastLive * 1000) : null,
        staleServed: await metric('patient_gateway_sections_served_total', {
          supplier: s.name,
          status: 'stale',
        }),
        unavailableServed: await metric('patient_gateway_sections_served_total', {
          supplier: s.name,
          status: 'unavailable',
        }),
        cache: { hits, lookups, hitRatio: lookups === 0 ? null : hits / lookups },
        isolation: decision.isolation ?? null,
        quarantine: decision.quarantine ?? null,
      };
    }),
  );
  return {
    replica: sources.replica,
    at: iso(now),
    ready: sources.ready(),
    cache: {
      backend: sources.cache.backend,
      tiers: sources.cache.health(),
      sharedDecisions: sources.decisions.shared,
    },
    suppliers,
  };
}
