import type { PatientLookup } from './audit/index.js';
import type { ClinicianIdentity } from './auth/index.js';
import type { AvailabilityRecorder } from './availability/index.js';

/** PDS confidentiality of a patient the index has answered for in this request. */
export type Confidentiality = 'UNRESTRICTED' | 'RESTRICTED' | 'VERY_RESTRICTED';

/** What the record domains need to know of a patient the index found: how confidential, and where held. */
export interface PatientRoute {
  readonly confidentiality: Confidentiality;
  /** ODS codes by organisation type (`practice`, `trust`), in the order the index gave them. */
  readonly locations: Readonly<Record<string, readonly string[]>>;
}

/**
 * The per-request context every resolver and data source sees. Created by the HTTP layer for each
 * clinician request; never shared between requests.
 */
export interface GatewayContext {
  readonly requestId: string;
  /** The authenticated clinician: sent to every supplier, written to every audit record. */
  readonly identity: ClinicianIdentity;
  /** Each NHS number the patient index was asked about, and what it found (for the audit trail). */
  readonly lookups: PatientLookup[];
  /** Collects, per supplier, whether this request's sections came live, stale or not at all. */
  readonly availability: AvailabilityRecorder;
  /**
   * Each patient the index returned, by NHS number: the record domains route by it (which suppliers to
   * ask), and decide what may be cached and shown. A patient missing here is treated as restricted and
   * routed nowhere.
   */
  readonly patients: Map<string, PatientRoute>;
}
