import { syntheticGpRecord } from './gp-records.js';
import { syntheticHospitalRecord } from './hospital-records.js';
import { OUT_OF_AREA_PRACTICE, PRACTICES, TRUSTS } from './market.js';
import { syntheticDemographics, syntheticNhsNumber } from './people.js';
import { SeededRandom } from './random.js';
import type { Organisation, SecurityLabel, SyntheticPatient } from './types.js';

export interface PopulationOptions {
  readonly seed: number;
  readonly size: number;
  /** Dates are generated relative to this ISO date, never to the wall clock, so runs are repeatable. */
  readonly referenceDate: string;
}

/** 1,200 patients: each of the market's three GP systems and three trusts holds records for hundreds. */
export const DEFAULT_POPULATION: PopulationOptions = { seed: 2017, size: 1_200, referenceDate: '2026-11-01' };

/** NHS numbers of the patients every test and demo can rely on. */
export interface Fixtures {
  /** A full record in every section, at two trusts: the patient `npm start` suggests. */
  readonly sample: string;
  /** Seen by no trust: the locator lists no hospital records. */
  readonly noHospitalHistory: string;
  readonly deceased: string;
  /** PDS security label R: address, telecom and GP hidden; never cached by the gateway. */
  readonly restricted: string;
  /** PDS security label V: names hidden as well. */
  readonly veryRestricted: string;
  /** Registered at a served practice whose system holds no record yet (GP2GP pending): NO_RECORD_FOUND. */
  readonly noGpRecord: string;
  /** Registered at a practice outside the region, which no supplier of the market serves. */
  readonly outOfArea: string;
  /** An ordinary patient with records at two trusts served by different suppliers. */
  readonly multiTrust: string;
  /** Checksum-valid, in the test range, and belonging to nobody. */
  readonly unknown: string;
}

export interface Population {
  readonly patients: readonly SyntheticPatient[];
  readonly byNhsNumber: ReadonlyMap<string, SyntheticPatient>;
  readonly fixtures: Fixtures;
}

type Role = Exclude<keyof Fixtures, 'unknown'> | 'ordinary';
const ROLES: readonly Role[] = [
  'sample',
  'noHospitalHistory',
  'deceased',
  'restricted',
  'veryRestricted',
  'noGpRecord',
  'outOfArea',
  'multiTrust',
];

const LABEL: Partial<Record<Role, SecurityLabel>> = { restricted: 'R', veryRestricted: 'V' };

/** Which trusts have seen a patient: most ordinary patients one, some two, some none. */
function trustsFor(random: SeededRandom, role: Role): Organisation[] {
  if (role === 'noHospitalHistory') return [];
  if (role === 'sample' || role === 'multiTrust') return random.sample(TRUSTS, 2);
  if (role !== 'ordinary' || random.chance(0.8)) return random.sample(TRUSTS, random.chance(0.25) ? 2 : 1);
  return [];
}

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
      securityLabel: LABEL[role] ?? 'U',
      // Spread evenly over the market's practices, so each GP system holds hundreds of records.
      practice:
        role === 'outOfArea' ? OUT_OF_AREA_PRACTICE.odsCode : PRACTICES[i % PRACTICES.length]!.odsCode,
    });
    const rich = role === 'sample';
    const referenceDate = options.referenceDate;
    const gp =
      role === 'noGpRecord' ? null : syntheticGpRecord(random, demographics, { referenceDate, rich });
    const hospital = trustsFor(random, role).map((trust) =>
      syntheticHospitalRecord(random, demographics, { referenceDate, trust, rich }),
    );
    patients.push({ demographics, gp, hospital });
  }
  const unknown = syntheticNhsNumber(random, taken);
  const numberOf = (role: Role) => patients[ROLES.indexOf(role)]!.demographics.nhsNumber;
  return {
    patients,
    byNhsNumber: new Map(patients.map((p) => [p.demographics.nhsNumber, p])),
    fixtures: {
      sample: numberOf('sample'),
      noHospitalHistory: numberOf('noHospitalHistory'),
      deceased: numberOf('deceased'),
      restricted: numberOf('restricted'),
      veryRestricted: numberOf('veryRestricted'),
      noGpRecord: numberOf('noGpRecord'),
      outOfArea: numberOf('outOfArea'),
      multiTrust: numberOf('multiTrust'),
      unknown,
    },
  };
}
