import { nhsCheckDigit } from '../../schema/nhs-number.js';
import { FAMILY_NAMES, GIVEN_NAMES, STREETS, TOWNS } from './catalogue.js';
import { daysBefore, type SeededRandom } from './random.js';
import type { Demographics, SecurityLabel } from './types.js';

/**
 * A checksum-valid NHS number in the 999 000 0000 – 999 999 9999 range, which is never issued to a real
 * patient. Numbers already in `taken` are skipped, so a population never holds the same number twice.
 */
export function syntheticNhsNumber(random: SeededRandom, taken: ReadonlySet<string>): string {
  for (;;) {
    const firstNine = `999${random.digits(6)}`;
    const check = nhsCheckDigit(firstNine);
    if (check === undefined) continue;
    const candidate = `${firstNine}${check}`;
    // 999 999 9xxx belongs to the conformance test pack (conformance.ts).
    if (!taken.has(candidate) && !candidate.startsWith('9999999')) return candidate;
  }
}

export interface PersonOptions {
  readonly nhsNumber: string;
  readonly referenceDate: string;
  readonly deceased: boolean;
  readonly securityLabel: SecurityLabel;
  /** ODS code of the practice the patient is registered with. */
  readonly practice: string;
}

export function syntheticDemographics(random: SeededRandom, options: PersonOptions): Demographics {
  const ageYears = random.int(1, 95);
  const gender = random.chance(0.5) ? ('female' as const) : ('male' as const);
  const place = random.pick(TOWNS);
  const birthDate = daysBefore(options.referenceDate, ageYears * 365 + random.int(0, 364));
  return {
    nhsNumber: options.nhsNumber,
    givenName: random.pick(GIVEN_NAMES[gender]),
    familyName: random.pick(FAMILY_NAMES),
    gender,
    birthDate,
    deceasedDate: options.deceased ? daysBefore(options.referenceDate, random.int(10, 400)) : null,
    addressLines: [`${random.int(1, 180)} ${random.pick(STREETS)}`, place.town],
    postcode: `${place.postcodeArea}${random.int(1, 20)} ${random.int(1, 9)}${random.pick(['AB', 'DQ', 'JN', 'XT', 'WL'])}`,
    telecom: `07700 900${random.digits(3)}`,
    registeredPracticeOds: options.practice,
    securityLabel: options.securityLabel,
  };
}
