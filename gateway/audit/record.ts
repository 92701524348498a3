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
  /** Per supplier that served this patient: LIVE, STALE or FALLBACK (with age and source), or UNAVAILABLE. */
  readonly suppliers: Readonly<
    Record<string, { readonly status: string; readonly asOf?: string; readonly source?: string }>
  >;
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
