import type { SupplierDefinition } from '../server/index.js';
import type { GpRecord } from '../synthetic/index.js';

/**
 * A GP clinical system: the GP Connect structured record of every patient registered at a practice it
 * serves. A patient newly registered there, whose record has not arrived yet, has none (NO_RECORD_FOUND).
 */
export const gpSystem: SupplierDefinition<GpRecord> = {
  kind: 'gp-system',
  domain: 'gp',
  recordOf: (patient, serves) =>
    patient.gp && serves(patient.demographics.registeredPracticeOds) ? patient.gp : null,
  organisationsOf: (record) => [record.registeredPractice.odsCode],
  resolvers: (lookup) => ({
    Patient: {
      __resolveReference: lookup,
      gpRecordWarnings: (record: GpRecord) => record.warnings,
    },
  }),
};
