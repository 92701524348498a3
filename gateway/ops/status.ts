import type { BreakerStats } from '../breakers/index.js';
import type { TierHealth } from '../cache/index.js';
import type { IsolationDecision, QuarantineDecision } from './decisions.js';
import { viewsOf, type MigrationView } from './migrations.js';
import type { OpsParts } from './parts.js';
import type { RuntimeView } from '../registry/index.js';

export interface SupplierStatus {
  readonly name: string;
  /** The record domain it serves, and whether as a supplier of organisations or the domain's fallback. */
  readonly domain: string;
  readonly role: 'primary' | 'fallback';
  readonly url: string;
  /** ODS codes of the organisations it serves now, migrations applied. */
  readonly organisations: readonly string[];
  /** Blast radius: patients with records at those organisations (null when the patient source cannot say). */
  readonly patients: number | null;
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
  /** The record domains, each with its suppliers in order. */
  readonly domains: readonly {
    readonly name: string;
    readonly serves: string;
    readonly fallback: string | null;
    readonly suppliers: readonly string[];
  }[];
  readonly migrations: readonly MigrationView[];
  /** Where this replica's registry state came from (redis, local, last-known-good, bootstrap) and its revision. */
  readonly registry: RuntimeView;
}

/** What the status is read from. */
export type StatusSources = Omit<OpsParts, 'logger'>;

const iso = (ms: number) => new Date(ms).toISOString();

/** Everything an on-call engineer needs about each supplier, in one object (GET /api/status). */
export async function opsStatus(sources: StatusSources): Promise<OpsStatus> {
  const now = sources.clock.now();
  const metric = (name: string, labels: Record<string, string>) => sources.metrics.value(name, labels);
  const suppliers = await Promise.all(
    sources.suppliers.list().map(async (s): Promise<SupplierStatus> => {
      const { state, since, lastFailure, ...window } = s.breaker.stats();
      const lookups = await metric('patient_gateway_cache_lookups_total', { supplier: s.name });
      const hits = await metric('patient_gateway_cache_lookups_total', { supplier: s.name, result: 'hit' });
      const lastLive = await metric('patient_gateway_supplier_last_live_timestamp_seconds', {
        supplier: s.name,
      });
      const decision = sources.decisions.get(s.name);
      const domain = sources.directory.domain(s.domain);
      const fallback = domain?.fallback === s.name;
      // A fallback serves everyone in its domain: its blast radius is every organisation of that kind.
      const organisations = sources.directory.organisationsOf(s.name);
      const reach = fallback
        ? sources.directory.market.organisations
            .filter((o) => o.type === domain?.serves)
            .map((o) => o.odsCode)
        : organisations;
      const patients = sources.patientsAt(reach);
      return {
        name: s.name,
        domain: s.domain,
        role: fallback ? 'fallback' : 'primary',
        url: s.url,
        organisations,
        patients: patients ?? null,
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
    domains: sources.directory.market.domains.map((d) => ({
      name: d.name,
      serves: d.serves,
      fallback: d.fallback ?? null,
      suppliers: suppliers.filter((s) => s.domain === d.name).map((s) => s.name),
    })),
    migrations: viewsOf(sources.directory, sources.decisions.migrations(), now),
    registry: sources.registry.view(),
  };
}
