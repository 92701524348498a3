import { nhsCheckDigit } from '../../schema/nhs-number.js';
import { syntheticGpRecord } from './gp-records.js';
import { syntheticHospitalRecord } from './hospital-records.js';
import { syntheticDemographics } from './people.js';
import { DEFAULT_POPULATION } from './population.js';
import { SeededRandom } from './random.js';
import type { Organisation, SyntheticPatient } from './types.js';

/** The test practice and test trust of the pack: no live organisation, so live routing never reaches them. */
export const CONFORMANCE_PRACTICE: Organisation = { odsCode: 'Y90001', name: 'Conformance Test Practice' };
export const CONFORMANCE_TRUST: Organisation = { odsCode: 'Y90002', name: 'Conformance Test Trust' };
export const CONFORMANCE_ORGANISATIONS: readonly string[] = [
  CONFORMANCE_PRACTICE.odsCode,
  CONFORMANCE_TRUST.odsCode,
];

/** NHS numbers of the pack begin 999 999 9: population numbers never do (people.ts skips them). */
export const PACK_PREFIX = '9999999';

export interface ConformancePack {
  /** Two patients with records in every domain: one with every section filled in, one ordinary. */
  readonly patients: readonly SyntheticPatient[];
  readonly byNhsNumber: ReadonlyMap<string, SyntheticPatient>;
  /** Checksum-valid, in the pack's range, held by nobody: a supplier must refuse it. */
  readonly unknown: string;
}

/** The numbers of the pack's range, in order, that pass the checksum. */
function packNumbers(count: number): string[] {
  const numbers: string[] = [];
  for (let i = 0; numbers.length < count; i++) {
    const firstNine = `${PACK_PREFIX}${String(i).padStart(2, '0')}`;
    const check = nhsCheckDigit(firstNine);
    if (check !== undefined) numbers.push(`${firstNine}${check}`);
  }
  return numbers;
}

/**
 * The conformance test pack: synthetic patients that every supplier's test environment holds (as NHS test
 * data packs are loaded before assurance), registered at a test practice and seen at a test trust. The
 * conformance suite asks a candidate for them and checks its answers against the pack, item by item. Fixed:
 * the same in every process and release, whatever population the suppliers serve.
 */
export function conformancePack(referenceDate = DEFAULT_POPULATION.referenceDate): ConformancePack {
  const random = new SeededRandom(90_001);
  const [full, ordinary, unknown] = packNumbers(3) as [string, string, string];
  const patients = [full, ordinary].map((nhsNumber, i): SyntheticPatient => {
    const rich = i === 0;
    const demographics = syntheticDemographics(random, {
      nhsNumber,
      referenceDate,
      deceased: false,
      securityLabel: 'U',
      practice: CONFORMANCE_PRACTICE.odsCode,
    });
    return {
      demographics,
      gp: syntheticGpRecord(random, demographics, { referenceDate, rich }),
      hospital: [
        syntheticHospitalRecord(random, demographics, { referenceDate, trust: CONFORMANCE_TRUST, rich }),
      ],
    };
  });
  return { patients, byNhsNumber: new Map(patients.map((p) => [p.demographics.nhsNumber, p])), unknown };
}

/**
 * A pack patient's record in a domain, as its sections' items (the contract's list fields name the same
 * sections): what a conformant supplier must answer, item for item. Undefined for a domain the pack has
 * no data for.
 */
export function packRecord(domain: string, patient: SyntheticPatient): object | undefined {
  if (domain === 'gp') return patient.gp ?? undefined;
  if (domain === 'hospital') return patient.hospital[0];
  return undefined;
}
