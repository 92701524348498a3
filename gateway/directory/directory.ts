import type { Market, MarketDomain, MarketSupplier } from './market.js';

/** A practice moving from one supplier to another at a cut-over time, as operators scheduled it. */
export interface Migration {
  readonly organisation: string;
  readonly domain: string;
  readonly from: string;
  readonly to: string;
  /** The cut-over, ISO: before it `from` serves the organisation, from it `to` does. */
  readonly cutover: string;
}

/** One supplier to ask for a patient: which of the patient's organisations it serves, and its predecessor. */
export interface Target {
  readonly supplier: string;
  readonly organisations: readonly string[];
  /**
   * The supplier that served these organisations before a migration took effect (within the read window):
   * its last-known-good copies may be shown, labelled as its own, until the new supplier has answered.
   */
  readonly previous?: string;
}

/** After a cut-over the old system stays readable for about 90 days (practice migration practice). */
export const PREVIOUS_SUPPLIER_WINDOW_MS = 90 * 24 * 3_600_000;

/** The market's lookups, built once per market. */
interface Indexed {
  readonly market: Market;
  readonly domains: ReadonlyMap<string, MarketDomain>;
  readonly suppliers: ReadonlyMap<string, MarketSupplier>;
  /** Organisation -> supplier, from the market (before any migration). */
  readonly assigned: ReadonlyMap<string, string>;
}

const indexed = (market: Market): Indexed => ({
  market,
  domains: new Map(market.domains.map((d) => [d.name, d])),
  suppliers: new Map(market.suppliers.map((s) => [s.name, s])),
  assigned: new Map(market.suppliers.flatMap((s) => s.organisations.map((o) => [o, s.name] as const))),
});

/**
 * Who serves whom, now: the market's assignments with the operators' migrations applied at their
 * cut-over times. Routing reads it per request, so a migration takes effect at its time on every replica
 * without a restart or a timer, and a market the registry changes (`replace`) takes effect at once.
 */
export class SupplierDirectory {
  private current: Indexed;
  /** Cut-over times already parsed (read on every request, changed rarely). */
  private readonly cutovers = new Map<string, number>();

  constructor(
    market: Market,
    private readonly deps: {
      readonly now: () => number;
      /** The migrations in force, by organisation (the ops decisions shared between replicas). */
      readonly migrations: () => ReadonlyMap<string, Migration>;
    },
  ) {
    this.current = indexed(market);
  }

  get market(): Market {
    return this.current.market;
  }

  /** Serves `market` from the next lookup on (the registry activated a change). */
  replace(market: Market): void {
    this.current = indexed(market);
  }

  domain(name: string): MarketDomain | undefined {
    return this.current.domains.get(name);
  }

  supplier(name: string): MarketSupplier | undefined {
    return this.current.suppliers.get(name);
  }

  get suppliers(): readonly MarketSupplier[] {
    return this.market.suppliers;
  }

  /** The organisation's record, if the market declares it. */
  organisation(code: string) {
    return this.market.organisations.find((o) => o.odsCode === code);
  }

  /** Who serves `code` at `at` (default now), and who served it before a recent cut-over. */
  servingAt(code: string, at = this.deps.now()): { supplier: string; previous?: string } | undefined {
    const base = this.current.assigned.get(code);
    const migration = this.deps.migrations().get(code);
    if (!migration) return base === undefined ? undefined : { supplier: base };
    const cutover = this.cutoverOf(migration);
    if (at < cutover) return { supplier: migration.from };
    const recent = at - cutover < PREVIOUS_SUPPLIER_WINDOW_MS;
    return { supplier: migration.to, ...(recent ? { previous: migration.from } : {}) };
  }

  /**
   * The suppliers to ask for a patient whose organisations in `domain` are `organisations` (their
   * practice, or every trust holding records), each once, in the order first met; and the organisations
   * no supplier serves.
   */
  targets(organisations: readonly string[]): { targets: Target[]; notServed: string[] } {
    const targets: Target[] = [];
    const notServed: string[] = [];
    for (const code of organisations) {
      const serving = this.servingAt(code);
      if (!serving) {
        notServed.push(code);
        continue;
      }
      const known = targets.findIndex((t) => t.supplier === serving.supplier);
      if (known >= 0) {
        const t = targets[known]!;
        targets[known] = { ...t, organisations: [...t.organisations, code] };
      } else {
        targets.push({
          supplier: serving.supplier,
          organisations: [code],
          ...(serving.previous ? { previous: serving.previous } : {}),
        });
      }
    }
    return { targets, notServed };
  }

  /** A migration's cut-over as epoch ms. */
  cutoverOf(migration: Migration): number {
    let at = this.cutovers.get(migration.cutover);
    if (at === undefined) {
      at = Date.parse(migration.cutover);
      this.cutovers.set(migration.cutover, at);
    }
    return at;
  }

  /** The organisations a supplier serves now, migrations applied. */
  organisationsOf(supplier: string): string[] {
    return this.market.organisations
      .filter((o) => this.servingAt(o.odsCode)?.supplier === supplier)
      .map((o) => o.odsCode);
  }
}
