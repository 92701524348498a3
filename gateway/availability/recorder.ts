import type { BreakerState, FailureReason } from '../breakers/index.js';

export type SectionStatus = 'LIVE' | 'STALE' | 'UNAVAILABLE';

/** What one supplier contributed to one response: the contract of `extensions.availability`. */
export interface SupplierAvailability {
  readonly status: SectionStatus;
  /**
   * ISO time the oldest copy shown from this supplier was received: present when STALE, and on LIVE when
   * the optional freshness window served a recent copy instead of asking the supplier.
   */
  readonly asOf?: string;
  readonly breaker: BreakerState;
  /** Why the supplier was not LIVE. */
  readonly reason?: FailureReason;
}

/** One patient whose sections from one supplier were not live, for responses covering several patients. */
export interface ProvenanceEntry {
  readonly supplier: string;
  readonly nhsNumber: string;
  readonly status: Exclude<SectionStatus, 'LIVE'>;
  readonly asOf?: string;
}

export interface EntityOutcome {
  readonly nhsNumber: string;
  readonly status: SectionStatus;
  /** Epoch ms a cached copy was received (STALE, or LIVE from the freshness window); absent for live answers. */
  readonly receivedAt?: number;
}

const RANK: Record<SectionStatus, number> = { LIVE: 0, STALE: 1, UNAVAILABLE: 2 };

/**
 * Collects, during one request, how each supplier's entities were served. A supplier's status is the worst
 * of its entities (UNAVAILABLE over STALE over LIVE), and its `asOf` the oldest stale copy shown, so a
 * label never claims fresher data than some of what is on screen.
 */
export class AvailabilityRecorder {
  private readonly suppliers = new Map<
    string,
    { status: SectionStatus; oldest?: number; breaker: BreakerState; reason?: FailureReason }
  >();
  private readonly notLive: ProvenanceEntry[] = [];

  record(
    supplier: string,
    breaker: BreakerState,
    outcomes: readonly EntityOutcome[],
    reason?: FailureReason,
  ): void {
    const entry = this.suppliers.get(supplier) ?? { status: 'LIVE' as SectionStatus, breaker };
    entry.breaker = breaker;
    for (const o of outcomes) {
      if (RANK[o.status] > RANK[entry.status]) entry.status = o.status;
      if (o.receivedAt !== undefined && (entry.oldest === undefined || o.receivedAt < entry.oldest)) {
        entry.oldest = o.receivedAt;
      }
      if (o.status !== 'LIVE') {
        this.notLive.push({
          supplier,
          nhsNumber: o.nhsNumber,
          status: o.status,
          ...(o.receivedAt !== undefined ? { asOf: new Date(o.receivedAt).toISOString() } : {}),
        });
      }
    }
    if (reason && !entry.reason) entry.reason = reason;
    this.suppliers.set(supplier, entry);
  }

  /** The suppliers this request reached. */
  reached(): string[] {
    return [...this.suppliers.keys()];
  }

  /** The `extensions.availability` map: only suppliers this request asked for appear. */
  availability(): Record<string, SupplierAvailability> {
    const out: Record<string, SupplierAvailability> = {};
    for (const [name, e] of [...this.suppliers].sort(([a], [b]) => a.localeCompare(b))) {
      out[name] = {
        status: e.status,
        ...(e.oldest !== undefined ? { asOf: new Date(e.oldest).toISOString() } : {}),
        breaker: e.breaker,
        ...(e.status !== 'LIVE' && e.reason ? { reason: e.reason } : {}),
      };
    }
    return out;
  }

  /** Every patient/supplier pair that was not live, oldest copies included. Empty when all was live. */
  provenance(): readonly ProvenanceEntry[] {
    return this.notLive;
  }

  get empty(): boolean {
    return this.suppliers.size === 0;
  }
}
