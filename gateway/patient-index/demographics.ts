import type { Demographics, Population } from '../../subgraphs/synthetic/index.js';

export type { Demographics };

/** What the index knows of one patient: who they are (PDS), and where their records are held. */
export interface IndexedPatient {
  readonly demographics: Demographics;
  /**
   * ODS codes of the organisations holding the patient's records, by organisation type: `practice` (the
   * registered practice, from PDS) and `trust` (every trust the record locator lists, in its order).
   * Routing asks each record domain's suppliers for the organisations of the type that domain serves.
   */
  readonly locations: Readonly<Record<string, readonly string[]>>;
}

/**
 * Where the patient index finds people and their records: the national demographics service (PDS) and
 * the National Record Locator in production, the synthetic population in development and tests. One call
 * answers a whole batch. It is injected from outside the gateway (gateway/main.ts), never built inside it.
 */
export interface PatientSource {
  lookup(nhsNumbers: readonly string[]): Promise<ReadonlyMap<string, IndexedPatient>>;
  /**
   * How many patients have records at any of these organisations, when the source can say (the synthetic
   * one can; PDS cannot be enumerated): the ops console shows each supplier's blast radius from it.
   */
  patientsAt?(organisations: readonly string[]): number;
}

/** A source over patients held in memory (read through `current`, which may be swapped). */
export function memorySource(current: () => ReadonlyMap<string, IndexedPatient>): PatientSource {
  return {
    lookup(nhsNumbers) {
      const patients = current();
      const found = new Map<string, IndexedPatient>();
      for (const n of nhsNumbers) {
        const patient = patients.get(n);
        if (patient) found.set(n, patient);
      }
      return Promise.resolve(found);
    },
    patientsAt(organisations) {
      const wanted = new Set(organisations);
      let count = 0;
      for (const p of current().values()) {
        if (Object.values(p.locations).some((codes) => codes.some((c) => wanted.has(c)))) count++;
      }
      return count;
    },
  };
}

/** Each synthetic patient as the index knows them: demographics, practice, every trust holding records. */
export function indexedPatients(population: Population): Map<string, IndexedPatient> {
  return new Map(
    population.patients.map((p) => [
      p.demographics.nhsNumber,
      {
        demographics: p.demographics,
        locations: {
          practice: [p.demographics.registeredPracticeOds],
          trust: p.hospital.map((r) => r.trust.odsCode),
        },
      },
    ]),
  );
}

/** The synthetic population as a PDS-and-locator source. */
export function populationSource(population: Population): PatientSource {
  const patients = indexedPatients(population);
  return memorySource(() => patients);
}
