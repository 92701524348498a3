import type { SupplierDefinition } from '../server/index.js';
import type { GpRecord } from '../synthetic/index.js';

/** The reference GP supplier: GP Connect structured-record sections for registered patients. */
export const gpSupplier: SupplierDefinition<GpRecord> = {
  name: 'gp',
  recordOf: (patient) => patient.gp,
  resolvers: (lookup) => ({
    Patient: {
      __resolveReference: lookup,
      gpRecordWarnings: (record: GpRecord) => record.warnings,
    },
  }),
};
