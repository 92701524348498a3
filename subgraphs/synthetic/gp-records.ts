import { ALLERGENS, CLINICIANS, GP_TESTS, MEDICINES, PROBLEMS, SPECIALTIES, VACCINES } from './catalogue.js';
import { OUT_OF_AREA_PRACTICE, PRACTICES } from './market.js';
import { observation } from './observations.js';
import { daysBefore, type SeededRandom } from './random.js';
import type { Demographics, GpRecord, GpRecordWarning, Medication } from './types.js';

const CONSULTATION_SUMMARIES = [
  'Review of long-term condition; medication unchanged',
  'Presented with cough for two weeks; chest clear on examination',
  'Blood pressure review; advised on lifestyle',
  'Medication review completed',
  'Annual asthma review; inhaler technique checked',
  'Follow-up after hospital discharge',
] as const;

export interface GpRecordOptions {
  readonly referenceDate: string;
  /** The sample patient gets a full record so a first query shows every section filled in. */
  readonly rich: boolean;
}

export function syntheticGpRecord(
  random: SeededRandom,
  person: Demographics,
  options: GpRecordOptions,
): GpRecord {
  const ref = options.referenceDate;
  const id = (kind: string, n: number) => `gp-${person.nhsNumber}-${kind}-${n}`;
  const problems = random.sample(PROBLEMS, options.rich ? 3 : random.int(0, 3)).map((code, n) => ({
    id: id('problem', n),
    code,
    status: random.chance(0.85) ? ('ACTIVE' as const) : ('INACTIVE' as const),
    significance: random.chance(0.6) ? ('MAJOR' as const) : ('MINOR' as const),
    onsetDate: daysBefore(ref, random.int(60, 6000)),
  }));
  const indicated = MEDICINES.filter((m) => problems.some((p) => p.code.code === m.indication));
  const occasional = random.sample(
    MEDICINES.filter((m) => m.indication === ''),
    random.int(0, 1),
  );
  const medications: Medication[] = [...indicated, ...occasional].map((m, n) => {
    const repeat = m.indication !== '';
    const stopped = !repeat || random.chance(0.1);
    const startDate = daysBefore(ref, random.int(30, 2000));
    return {
      id: id('medication', n),
      medication: m.coding,
      dosage: m.dosage,
      quantity: m.quantity,
      status: stopped ? (repeat ? 'STOPPED' : 'COMPLETED') : 'ACTIVE',
      prescriptionType: repeat ? 'REPEAT' : 'ACUTE',
      startDate,
      endDate: stopped ? daysBefore(ref, random.int(1, 29)) : null,
      lastIssuedDate: daysBefore(ref, random.int(1, 28)),
    };
  });
  const allergies = random.sample(ALLERGENS, options.rich ? 1 : random.chance(0.3) ? 1 : 0).map((a, n) => ({
    id: id('allergy', n),
    code: a.coding,
    reaction: a.reaction,
    severity: random.pick(['MILD', 'MODERATE', 'SEVERE'] as const),
    status: random.chance(0.9) ? ('ACTIVE' as const) : ('RESOLVED' as const),
    recordedDate: daysBefore(ref, random.int(100, 8000)),
  }));
  const immunisations = random.sample(VACCINES, random.int(1, 4)).map((vaccine, n) => ({
    id: id('immunisation', n),
    vaccine,
    date: daysBefore(ref, random.int(20, 1500)),
    batchNumber: `${random.pick(['FK', 'EW', 'PL', 'AB'])}${random.digits(4)}`,
  }));
  const consultations = Array.from({ length: options.rich ? 4 : random.int(1, 5) }, (_, n) => ({
    id: id('consultation', n),
    date: daysBefore(ref, random.int(3, 720)),
    clinician: random.pick(CLINICIANS),
    type: random.pick(['FACE_TO_FACE', 'TELEPHONE', 'VIDEO', 'HOME_VISIT'] as const),
    summary: random.pick(CONSULTATION_SUMMARIES),
  })).sort((a, b) => b.date.localeCompare(a.date));
  const investigations = random
    .sample(GP_TESTS, random.int(1, 3))
    .map((t, n) => observation(random, t, id('investigation', n), daysBefore(ref, random.int(5, 365))));
  const referrals = random.sample(SPECIALTIES, options.rich ? 1 : random.int(0, 1)).map((specialty, n) => ({
    id: id('referral', n),
    specialty,
    priority: random.pick(['ROUTINE', 'URGENT', 'TWO_WEEK_WAIT'] as const),
    status: random.pick(['SENT', 'ACCEPTED', 'COMPLETED'] as const),
    date: daysBefore(ref, random.int(10, 300)),
  }));
  const practice =
    [...PRACTICES, OUT_OF_AREA_PRACTICE].find((p) => p.odsCode === person.registeredPracticeOds) ??
    PRACTICES[0]!;
  const warnings: GpRecordWarning[] = random.chance(0.08)
    ? [random.pick(['CONFIDENTIAL_ITEMS', 'DATA_IN_TRANSIT', 'DATA_AWAITING_FILING'] as const)]
    : [];
  return {
    nhsNumber: person.nhsNumber,
    registeredPractice: practice,
    warnings,
    medications,
    allergies,
    problems,
    immunisations,
    consultations,
    investigations,
    referrals,
  };
}
