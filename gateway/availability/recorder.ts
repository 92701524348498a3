import type { BreakerState, FailureReason } from '../breakers/index.js';

/**
 * How a patient's sections from one supplier were shown: live from it; a last-known-good copy (STALE);
 * from the domain's national fallback (FALLBACK); or not at all (UNAVAILABLE).
 */
export type SectionStatus = 'LIVE' | 'STALE' | 'FALLBACK' | 'UNAVAILABLE';

/** How one patient's sections from one supplier were served, as the record domain decided. */
export interface PatientOutcome {
  readonly nhsNumber: string;
  readonly domain: string;
  /** The supplier that serves the patient's organisations (the one asked, or that should have been). */
  readonly supplier: string;
  readonly status: SectionStatus;
  /** Epoch ms the data shown was received (copies, fallback answers, fresh-window copies). */
  readonly receivedAt?: number;
  /** Whose data was shown when not the supplier's own: its predecessor after a migration, or the fallback. */
  readonly source?: string;
  readonly reason?: FailureReason;
  /** The patient's organisations this supplier serves (trusts, practice). */
  readonly organisations: readonly string[];
  /** The patient is restricted: clients are not told which supplier or organisations hold their records. */
  readonly confidential: boolean;
}

/** What one supplier (or, for restricted patients, one domain) contributed to a response. */
export interface SupplierAvailability {
  readonly domain: string;
  readonly status: SectionStatus;
  /** ISO time the oldest data shown was received: present for STALE and FALLBACK (and fresh-window LIVE). */
  readonly asOf?: string;
  readonly breaker: BreakerState;
  /** Why the supplier was not LIVE. */
  readonly reason?: FailureReason;
  /** Whose data stood in: a predecessor's copies after a migration, or the national fallback. */
  readonly source?: readonly string[];
}

/** One patient whose sections from one supplier were not live. */
export interface ProvenanceEntry {
  readonly nhsNumber: string;
  readonly domain: string;
  readonly supplier: string;
  readonly status: Exclude<SectionStatus, 'LIVE'>;
  readonly asOf?: string;
  readonly source?: string;
  readonly reason?: FailureReason;
  readonly organisations?: readonly string[];
}

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

const RANK: Record<SectionStatus, number> = { LIVE: 0, STALE: 1, FALLBACK: 2, UNAVAILABLE: 3 };
const iso = (ms: number) => new Date(ms).toISOString();

/** The name clients see for a supplier: for a restricted patient, only the domain. */
export const shownSupplier = (o: Pick<PatientOutcome, 'domain' | 'supplier' | 'confidential'>) =>
  o.confidential ? `${o.domain} (withheld)` : o.supplier;

/**
 * Collects, during one request, how each patient's sections were served by each supplier. A supplier's
 * status is the worst over its patients and its `asOf` the oldest data shown, so a label never claims
 * fresher data than some of what is on screen. For a restricted patient the supplier and organisations
 * are withheld from the client (they reveal where the patient is registered or treated); the audit trail
 * still records them.
 */
export class AvailabilityRecorder {
  private readonly outcomes: PatientOutcome[] = [];
  /** The same outcomes by patient: the audit asks for each patient's, so a clinic list stays linear. */
  private readonly byPatient = new Map<string, PatientOutcome[]>();
  private readonly breakers = new Map<string, BreakerState>();

  record(outcome: PatientOutcome, breaker: BreakerState): void {
    this.outcomes.push(outcome);
    pushTo(this.byPatient, outcome.nhsNumber, outcome);
    this.breakers.set(outcome.supplier, breaker);
  }

  /** The suppliers this request reached or routed to. */
  reached(): string[] {
    return [...new Set(this.outcomes.map((o) => o.supplier))];
  }

  /** The `extensions.availability` map: one entry per supplier the request reached. */
  availability(): Record<string, SupplierAvailability> {
    const grouped = new Map<string, PatientOutcome[]>();
    for (const o of this.outcomes) pushTo(grouped, shownSupplier(o), o);
    const out: Record<string, SupplierAvailability> = {};
    for (const [label, outcomes] of [...grouped].sort(([a], [b]) => a.localeCompare(b))) {
      const worst = outcomes.reduce((w, o) => (RANK[o.status] > RANK[w.status] ? o : w));
      const oldest = outcomes.reduce((min, o) => Math.min(min, o.receivedAt ?? Infinity), Infinity);
      const reason = outcomes.find((o) => o.reason)?.reason;
      const sources = [
        ...new Set(outcomes.flatMap((o) => (o.source && this.sourceShown(o) ? [o.source] : []))),
      ];
      out[label] = {
        domain: worst.domain,
        status: worst.status,
        ...(Number.isFinite(oldest) ? { asOf: iso(oldest) } : {}),
        breaker: this.breakers.get(worst.supplier) ?? 'CLOSED',
        ...(worst.status !== 'LIVE' && reason ? { reason } : {}),
        ...(sources.length > 0 ? { source: sources } : {}),
      };
    }
    return out;
  }

  /** Every patient and supplier whose sections were not live; empty when all was live. */
  provenance(): ProvenanceEntry[] {
    return this.outcomes
      .filter((o): o is PatientOutcome & { status: ProvenanceEntry['status'] } => o.status !== 'LIVE')
      .map((o) => ({
        nhsNumber: o.nhsNumber,
        domain: o.domain,
        supplier: shownSupplier(o),
        status: o.status,
        ...(o.receivedAt !== undefined ? { asOf: iso(o.receivedAt) } : {}),
        ...(o.source && this.sourceShown(o) ? { source: o.source } : {}),
        ...(o.reason ? { reason: o.reason } : {}),
        ...(o.confidential || o.organisations.length === 0 ? {} : { organisations: o.organisations }),
      }));
  }

  /** For the audit trail, unmasked: how each supplier served this patient. */
  forPatient(nhsNumber: string): Record<string, { status: SectionStatus; asOf?: string; source?: string }> {
    const out: Record<string, { status: SectionStatus; asOf?: string; source?: string }> = {};
    for (const o of this.byPatient.get(nhsNumber) ?? []) {
      out[o.supplier] = {
        status: o.status,
        ...(o.status !== 'LIVE' && o.receivedAt !== undefined ? { asOf: iso(o.receivedAt) } : {}),
        ...(o.source ? { source: o.source } : {}),
      };
    }
    return out;
  }

  get empty(): boolean {
    return this.outcomes.length === 0;
  }

  /** A predecessor's name is the patient's old system (it locates them); the national fallback is not. */
  private sourceShown(o: PatientOutcome): boolean {
    return !o.confidential || o.status === 'FALLBACK';
  }
}
