import { ADMISSION_REASONS, CLINICIANS, LAB_TESTS, PROCEDURES, SPECIALTIES, TRUSTS } from './catalogue.js';
import { observation } from './observations.js';
import { atMinute, daysBefore, type SeededRandom } from './random.js';
import type { Demographics, Encounter, HospitalRecord } from './types.js';

const WARDS = ['Ward 12', 'Ward 24', 'Acute Medical Unit', 'Coronary Care Unit', 'Day Surgery Unit'] as const;

export interface HospitalRecordOptions {
  readonly referenceDate: string;
  /** false: the patient has never been seen at the trust — every section is an empty list. */
  readonly hasHistory: boolean;
  readonly rich: boolean;
}

export function syntheticHospitalRecord(
  random: SeededRandom,
  person: Demographics,
  options: HospitalRecordOptions,
): HospitalRecord {
  const ref = options.referenceDate;
  const trust = random.pick(TRUSTS);
  const empty: HospitalRecord = {
    nhsNumber: person.nhsNumber,
    trust,
    encounters: [],
    dischargeSummaries: [],
    labResults: [],
    procedures: [],
    outpatientAppointments: [],
  };
  if (!options.hasHistory) return empty;
  const id = (kind: string, n: number) => `hosp-${person.nhsNumber}-${kind}-${n}`;
  const encounters: Encounter[] = Array.from({ length: options.rich ? 2 : random.int(0, 3) }, (_, n) => {
    const day = daysBefore(ref, random.int(15, 1500));
    const stayMinutes = random.int(240, 60 * 24 * 9);
    const admittedMinute = random.int(0, 1439);
    return {
      id: id('encounter', n),
      class: random.pick(['INPATIENT', 'EMERGENCY', 'DAY_CASE'] as const),
      reason: random.pick(ADMISSION_REASONS),
      specialty: random.pick(SPECIALTIES),
      ward: random.pick(WARDS),
      admittedAt: atMinute(day, admittedMinute),
      dischargedAt: atMinute(day, admittedMinute + stayMinutes),
    };
  }).sort((a, b) => b.admittedAt.localeCompare(a.admittedAt));
  const dischargeSummaries = encounters.map((e, n) => ({
    id: id('discharge', n),
    encounterId: e.id,
    date: (e.dischargedAt ?? e.admittedAt).slice(0, 10),
    diagnoses: [e.reason],
    summary: `Admitted under ${e.specialty} with ${e.reason.display.toLowerCase()}; treated and discharged home.`,
    followUp: random.pick([
      'GP review in two weeks',
      'Outpatient clinic in six weeks',
      'No follow-up required',
    ]),
  }));
  const labResults = random
    .sample(LAB_TESTS, options.rich ? 4 : random.int(0, 4))
    .map((t, n) => observation(random, t, id('lab', n), daysBefore(ref, random.int(1, 900))));
  const procedures = random.sample(PROCEDURES, options.rich ? 1 : random.int(0, 1)).map((code, n) => ({
    id: id('procedure', n),
    code,
    date: daysBefore(ref, random.int(30, 2000)),
    surgeon: random.pick(CLINICIANS),
  }));
  const outpatientAppointments = Array.from({ length: options.rich ? 2 : random.int(0, 2) }, (_, n) => {
    const future = random.chance(0.4);
    const date = future ? daysBefore(ref, -random.int(5, 120)) : daysBefore(ref, random.int(5, 700));
    return {
      id: id('outpatient', n),
      specialty: random.pick(SPECIALTIES),
      date,
      status: future
        ? ('BOOKED' as const)
        : random.pick(['ATTENDED', 'ATTENDED', 'DID_NOT_ATTEND', 'CANCELLED'] as const),
    };
  });
  return { ...empty, encounters, dischargeSummaries, labResults, procedures, outpatientAppointments };
}
