import type { SupplierDefinition } from '../server/index.js';
import type { Allergy, Medication } from '../synthetic/index.js';

interface SummaryRecord {
  readonly nhsNumber: string;
  readonly practice: string;
  readonly medications: readonly Medication[];
  readonly allergies: readonly Allergy[];
}

/**
 * The national summary record (like the Summary Care Record): medications and allergies for every
 * registered patient, served under the GP domain's contract with every other section null. The gateway
 * asks it only when a patient's own GP system cannot answer and holds no usable copy, and labels what it
 * gives FALLBACK, never LIVE.
 */
export const summaryRecord: SupplierDefinition<SummaryRecord> = {
  kind: 'summary-record',
  domain: 'gp',
  recordOf: (patient) => ({
    nhsNumber: patient.demographics.nhsNumber,
    practice: patient.demographics.registeredPracticeOds,
    medications: patient.gp?.medications ?? [],
    allergies: patient.gp?.allergies ?? [],
  }),
  organisationsOf: (record) => [record.practice],
  resolvers: (lookup) => ({ Patient: { __resolveReference: lookup } }),
};
