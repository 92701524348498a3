import type { Demographics, Population } from '../../subgraphs/synthetic/index.js';

export type { Demographics };

/**
 * Where the patient index finds people: the national demographics service (PDS) in production, the
 * synthetic population in development and tests. One call answers a whole batch.
 */
export interface DemographicsSource {
  lookup(nhsNumbers: readonly string[]): Promise<ReadonlyMap<string, Demographics>>;
}

export function populationDemographics(population: Population): DemographicsSource {
  return {
    lookup(nhsNumbers) {
      const found = new Map<string, Demographics>();
      for (const n of nhsNumbers) {
        const patient = population.byNhsNumber.get(n);
        if (patient) found.set(n, patient.demographics);
      }
      return Promise.resolve(found);
    },
  };
}
