import type { SupplierDefinition } from '../server/index.js';
import type { HospitalRecord, Organisation } from '../synthetic/index.js';

/** What one system holds on a patient across the trusts it serves. */
type TrustRecord = Omit<HospitalRecord, 'trust'> & {
  /** The trust, when one holds the record; null when several do (each item names its own). */
  readonly trust: Organisation | null;
  readonly trusts: readonly string[];
};

/**
 * A trust's electronic patient record: everything the trusts it serves hold on a patient. One system may
 * serve several trusts; their records are answered together, each item naming its source trust.
 */
export const trustRecord: SupplierDefinition<TrustRecord> = {
  kind: 'trust-epr',
  domain: 'hospital',
  recordOf: (patient, serves) => {
    const held = patient.hospital.filter((r) => serves(r.trust.odsCode));
    if (held.length === 0) return null;
    return {
      nhsNumber: patient.demographics.nhsNumber,
      trust: held.length === 1 ? held[0]!.trust : null,
      trusts: held.map((r) => r.trust.odsCode),
      encounters: held.flatMap((r) => r.encounters),
      dischargeSummaries: held.flatMap((r) => r.dischargeSummaries),
      labResults: held.flatMap((r) => r.labResults),
      procedures: held.flatMap((r) => r.procedures),
      outpatientAppointments: held.flatMap((r) => r.outpatientAppointments),
    };
  },
  organisationsOf: (record) => record.trusts,
  resolvers: (lookup) => ({ Patient: { __resolveReference: lookup } }),
};
