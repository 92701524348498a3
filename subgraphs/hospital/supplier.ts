import type { SupplierDefinition } from '../server/index.js';
import type { HospitalRecord } from '../synthetic/index.js';

/** The reference hospital supplier: an acute trust's record for every patient it has seen (or an empty one). */
export const hospitalSupplier: SupplierDefinition<HospitalRecord> = {
  name: 'hospital',
  recordOf: (patient) => patient.hospital,
  resolvers: (lookup) => ({
    Patient: { __resolveReference: lookup },
  }),
};
