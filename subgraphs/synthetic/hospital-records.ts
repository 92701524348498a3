import { ADMISSION_REASONS, CLINICIANS, LAB_TESTS, PROCEDURES, SPECIALTIES } from './catalogue.js';
import { observation } from './observations.js';
import { atMinute, daysBefore, type SeededRandom } from './random.js';
import type { Demographics, Encounter, HospitalRecord, Organisation } from './types.js';

const WARDS = ['Ward 12', 'Ward 24', 'Acute Medical Unit', 'Coronary Care Unit', 'Day Surgery Unit'] as const;

export interface HospitalRecordOptions {
  readonly referenceDate: string;
  /** The trust whose system holds this record. */
  readonly trust: Organisation;
  readonly rich: boolean;
}

/** A trust's record of a patient it has seen: admissions, discharges, results, procedures, clinics. */
export function syntheticHospitalRecord(
  random: SeededRandom,
  person: Demographics,
  options: HospitalRecordOptions,
): HospitalRecord {
  const ref = options.referenceDate;
  const source = options.trust;
  const id = (kind: string, n: number) => `${source.odsCode.toLowerCase()}-${person.nhsNumber}-${kind}-${n}`;
  const encounters: Encounter[] = Array.from({ length: options.rich ? 2 : random.int(0, 3) }, (_, n) => {
    const day = daysBefore(ref, random.int(15, 1500));
    const stayMinutes = random.int(240, 60 * 24 * 9);
    const admittedMinute = random.int(0, 1439);
    return {
      id: id('encounter', n),
      source,
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
    source,
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
  const labResults = random.sample(LAB_TESTS, options.rich ? 4 : random.int(0, 4)).map((t, n) => ({
    ...observation(random, t, id('lab', n), daysBefore(ref, random.int(1, 900))),
    source,
  }));
  const procedures = random.sample(PROCEDURES, options.rich ? 1 : random.int(0, 1)).map((code, n) => ({
    id: id('procedure', n),
    source,
    code,
    date: daysBefore(ref, random.int(30, 2000)),
    surgeon: random.pick(CLINICIANS),
  }));
  const outpatientAppointments = Array.from({ length: options.rich ? 2 : random.int(0, 2) }, (_, n) => {
    const future = random.chance(0.4);
    const date = future ? daysBefore(ref, -random.int(5, 120)) : daysBefore(ref, random.int(5, 700));
    return {
      id: id('outpatient', n),
      source,
      specialty: random.pick(SPECIALTIES),
      date,
      status: future
        ? ('BOOKED' as const)
        : random.pick(['ATTENDED', 'ATTENDED', 'DID_NOT_ATTEND', 'CANCELLED'] as const),
    };
  });
  return {
    nhsNumber: person.nhsNumber,
    trust: source,
    encounters,
    dischargeSummaries,
    labResults,
    procedures,
    outpatientAppointments,
  };
}
