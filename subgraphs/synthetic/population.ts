import { syntheticGpRecord } from './gp-records.js';
import { syntheticHospitalRecord } from './hospital-records.js';
import { syntheticDemographics, syntheticNhsNumber } from './people.js';
import { SeededRandom } from './random.js';
import type { SyntheticPatient } from './types.js';

export interface PopulationOptions {
  readonly seed: number;
  readonly size: number;
  /** Dates are generated relative to this ISO date, never to the wall clock, so runs are repeatable. */
  readonly referenceDate: string;
}

export const DEFAULT_POPULATION: PopulationOptions = { seed: 2017, size: 300, referenceDate: '2026-11-01' };

/** NHS numbers of the patients every test and demo can rely on. */
export interface Fixtures {
  /** A full record in every section: the patient `npm start` suggests. */
  readonly sample: string;
  readonly noHospitalHistory: string;
  readonly deceased: string;
  /** PDS security label R: address, telecom and GP hidden; never cached by the gateway. */
  readonly restricted: string;
  /** Registered on another GP system: the reference GP supplier answers NO_RECORD_FOUND. */
  readonly registeredElsewhere: string;
  /** Checksum-valid, in the test range, and belonging to nobody. */
  readonly unknown: string;
}

export interface Population {
  readonly patients: readonly SyntheticPatient[];
  readonly byNhsNumber: ReadonlyMap<string, SyntheticPatient>;
  readonly fixtures: Fixtures;
}

type Role = 'sample' | 'noHospitalHistory' | 'deceased' | 'restricted' | 'registeredElsewhere' | 'ordinary';
const ROLES: readonly Role[] = [
  'sample',
  'noHospitalHistory',
  'deceased',
  'restricted',
  'registeredElsewhere',
];

export function generatePopulation(options: PopulationOptions = DEFAULT_POPULATION): Population {
  if (!Number.isInteger(options.size) || options.size < ROLES.length || options.size > 100_000) {
    throw new RangeError(
      `population size must be an integer from ${ROLES.length} to 100000, got ${options.size}`,
    );
  }
  if (Number.isNaN(Date.parse(options.referenceDate))) {
    throw new RangeError(`referenceDate must be an ISO date, got "${options.referenceDate}"`);
  }
  const random = new SeededRandom(options.seed);
  const taken = new Set<string>();
  const patients: SyntheticPatient[] = [];
  for (let i = 0; i < options.size; i++) {
    const role = ROLES[i] ?? 'ordinary';
    const nhsNumber = syntheticNhsNumber(random, taken);
    taken.add(nhsNumber);
    const demographics = syntheticDemographics(random, {
      nhsNumber,
      referenceDate: options.referenceDate,
      deceased: role === 'deceased' || (role === 'ordinary' && random.chance(0.02)),
      securityLabel: role === 'restricted' ? 'R' : 'U',
    });
    const rich = role === 'sample';
    const gp =
      role === 'registeredElsewhere'
        ? null
        : syntheticGpRecord(random, demographics, { referenceDate: options.referenceDate, rich });
    const hospital = syntheticHospitalRecord(random, demographics, {
      referenceDate: options.referenceDate,
      hasHistory: role !== 'noHospitalHistory' && (role !== 'ordinary' || random.chance(0.8)),
      rich,
    });
    patients.push({ demographics, gp, hospital });
  }
  const unknown = syntheticNhsNumber(random, taken);
  const numberAt = (i: number) => patients[i]!.demographics.nhsNumber;
  return {
    patients,
    byNhsNumber: new Map(patients.map((p) => [p.demographics.nhsNumber, p])),
    fixtures: {
      sample: numberAt(0),
      noHospitalHistory: numberAt(1),
      deceased: numberAt(2),
      restricted: numberAt(3),
      registeredElsewhere: numberAt(4),
      unknown,
    },
  };
}
