import type { RunningGateway } from '../../gateway/app.js';
import type { CacheObserver } from '../../gateway/cache/index.js';
import { generatePopulation } from '../../subgraphs/synthetic/index.js';
import { eventually, graphql, type GraphQLResult } from './gateway.js';

export const population = generatePopulation();
export const { fixtures } = population;

/**
 * NHS numbers generated operations look up: every fixture (restricted, deceased, no GP record, out of
 * area, several trusts, unknown), an invalid number, and four ordinary patients.
 */
export const LOOKUP_NUMBERS: readonly string[] = [
  fixtures.sample,
  fixtures.restricted,
  fixtures.deceased,
  fixtures.noHospitalHistory,
  fixtures.noGpRecord,
  fixtures.outOfArea,
  fixtures.veryRestricted,
  fixtures.multiTrust,
  fixtures.unknown,
  '9876544321',
  ...population.patients.slice(200, 204).map((p) => p.demographics.nhsNumber),
];

/**
 * Ordinary patients (not fixtures: unrestricted, with a GP record and records at one or more trusts),
 * handed out one by one so no two tests share cached copies.
 */
const fixtureNumbers = new Set<string>(Object.values(fixtures));
const ordinary = population.patients
  .filter((p) => p.gp && p.hospital.length > 0 && p.demographics.securityLabel === 'U')
  .map((p) => p.demographics.nhsNumber)
  .filter((n) => !fixtureNumbers.has(n));
export const nextPatient = (): string => {
  const n = ordinary.shift();
  if (!n) throw new Error('ran out of synthetic patients');
  return n;
};

export const RECORD = `query Record($n: String!) {
  patient(nhsNumber: $n) {
    nhsNumber
    demographics { familyName }
    medications { id medication { display } status }
    allergies { id code { display } }
    encounters { id class admittedAt }
    labResults { id value }
  }
}`;

export type Availability = Record<
  string,
  { status: string; asOf?: string; breaker: string; reason?: string }
>;
export const availabilityOf = (r: GraphQLResult) => r.body.extensions?.availability as Availability;
export const patientOf = (r: GraphQLResult) => r.body.data?.patient as Record<string, unknown> | null;
export const record = (gateway: RunningGateway, n: string) => graphql(gateway.url, RECORD, { n });

/** Counts cache writes per supplier, so a test can wait until a live answer has been stored. */
export class WriteCounter implements CacheObserver {
  readonly written = new Map<string, number>();
  recalled(): void {}
  wrote(supplier: string, outcome: string, count: number): void {
    if (outcome === 'written') this.written.set(supplier, (this.written.get(supplier) ?? 0) + count);
  }
  count = (supplier: string) => this.written.get(supplier) ?? 0;
}

/** Queries a patient while everything is healthy and waits until both suppliers' answers are cached. */
export async function warm(
  gateway: RunningGateway,
  writes: WriteCounter,
  nhsNumber: string,
): Promise<GraphQLResult> {
  const before = { gp: writes.count('gp'), hospital: writes.count('hospital') };
  const live = await record(gateway, nhsNumber);
  const availability = availabilityOf(live);
  if (availability.gp?.status !== 'LIVE' || availability.hospital?.status !== 'LIVE') {
    throw new Error(`warming ${nhsNumber} expected a live answer, got ${JSON.stringify(availability)}`);
  }
  await eventually(
    () => writes.count('gp') > before.gp && writes.count('hospital') > before.hospital,
    5_000,
    `cached copies of ${nhsNumber}`,
  );
  return live;
}
