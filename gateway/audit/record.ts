import type { ProvenanceEntry } from '../availability/index.js';
import type { ClinicianIdentity } from '../auth/index.js';

/** What the patient index found for one number asked about in a request. */
export interface PatientLookup {
  /** The normalised NHS number, or the input as given (truncated) when it was not a valid number. */
  readonly nhsNumber: string;
  readonly outcome: 'found' | 'not_found' | 'invalid_nhs_number';
}

/** One audit record per patient asked about: who, what, when, and whether they saw live or stale data. */
export interface RecordAccess {
  readonly type: 'record-access';
  readonly at: string;
  readonly requestId: string;
  readonly user: {
    readonly id: string;
    readonly name?: string;
    readonly role: string;
    readonly org: string;
    readonly source: string;
  };
  readonly patient: string;
  readonly outcome: PatientLookup['outcome'];
  readonly operation: string | null;
  /** The patient fields the query asked for (sections and demographics). */
  readonly requested: readonly string[];
  /** Per supplier the query reached: how this patient's sections were served. */
  readonly suppliers: Readonly<Record<string, { readonly status: string; readonly asOf?: string }>>;
}

/** A request refused before any record was looked at. */
export interface AccessDenied {
  readonly type: 'access-denied';
  readonly at: string;
  readonly requestId: string;
  readonly reason: string;
  readonly remoteAddress: string | null;
}

export function userOf(identity: ClinicianIdentity): RecordAccess['user'] {
  return {
    id: identity.userId,
    ...(identity.name ? { name: identity.name } : {}),
    role: identity.role,
    org: identity.org,
    source: identity.source,
  };
}

/**
 * How each supplier the request reached served one patient: LIVE unless the request's provenance (the
 * patients that were not live) says otherwise.
 */
export function suppliersFor(
  suppliers: readonly string[],
  provenance: readonly ProvenanceEntry[],
  nhsNumber: string,
): RecordAccess['suppliers'] {
  const out: Record<string, { status: string; asOf?: string }> = {};
  for (const supplier of suppliers) out[supplier] = { status: 'LIVE' };
  for (const p of provenance) {
    if (p.nhsNumber === nhsNumber)
      out[p.supplier] = { status: p.status, ...(p.asOf ? { asOf: p.asOf } : {}) };
  }
  return out;
}
