/**
 * The supplier market over real processes: three GP systems, three trusts' record systems and the national
 * summary record, each its own supplier process, in front of one gateway. A supplier's failure takes away
 * only its own patients' sections, and says so by name.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../gateway/app.js';
import { REFERENCE_MARKET } from '../../subgraphs/synthetic/index.js';
import { startSupplier, type TestSupplier } from '../../lib/testbed/index.js';
import { eventually, graphql, startTestGateway } from '../helpers/gateway.js';
import { fixtures, population, WriteCounter } from '../helpers/scenario.js';

type Provenance = {
  nhsNumber: string;
  domain: string;
  supplier: string;
  status: string;
  source?: string;
  organisations?: string[];
};
type Errors = { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];

const LIST = `query List($ns: [String!]!) { patients(nhsNumbers: $ns) { nhsNumber medications { id } } }`;
const HOSPITAL = `query Hospital($n: String!) { patient(nhsNumber: $n) { nhsNumber encounters { id source { odsCode } } labResults { id source { odsCode } } } }`;

describe('a market of suppliers, one process each', () => {
  const suppliers = new Map<string, TestSupplier>();
  let gateway: RunningGateway;
  const supplier = (name: string) => suppliers.get(name)!;
  const writes = new WriteCounter();

  beforeAll(async () => {
    const started = await Promise.all(REFERENCE_MARKET.map((s) => startSupplier(s.name)));
    for (const s of started) suppliers.set(s.name, s);
    gateway = await startTestGateway(
      started,
      { BREAKER_IDLE_PROBE_MS: '0', BREAKER_TIMEOUT_MS: '1000' },
      { cacheObserver: writes },
    );
  }, 60_000);
  afterAll(async () => {
    await gateway?.close();
    await Promise.all([...suppliers.values()].map((s) => s.stop()));
  });
  beforeEach(async () => {
    for (const s of suppliers.values()) {
      if (s.pid < 0) await s.restart();
      await s.faults({ mode: 'none' });
    }
    for (const s of gateway.suppliers) s.breaker.reset('test set-up');
  });

  /** Every patient's GP sections, 50 at a time, with the provenance and errors of each batch. */
  async function everyonesGpRecord() {
    const numbers = population.patients.map((p) => p.demographics.nhsNumber);
    const provenance: Provenance[] = [];
    const errors: Errors = [];
    for (let i = 0; i < numbers.length; i += 50) {
      const { body } = await graphql(gateway.url, LIST, { ns: numbers.slice(i, i + 50) });
      provenance.push(...((body.extensions?.provenance as Provenance[] | undefined) ?? []));
      errors.push(...(body.errors ?? []));
    }
    return { provenance: provenance.filter((p) => p.domain === 'gp'), errors };
  }

  it("routes each patient to their practice's GP system and each trust's own system", async () => {
    const patient = population.byNhsNumber.get(fixtures.multiTrust)!;
    const trusts = patient.hospital.map((r) => r.trust.odsCode);
    const { body } = await graphql(gateway.url, HOSPITAL, { n: fixtures.multiTrust });
    const encounters = (body.data!.patient as { encounters: { source: { odsCode: string } }[] }).encounters;
    expect(encounters).toHaveLength(patient.hospital.flatMap((r) => r.encounters).length);
    expect(new Set(encounters.map((e) => e.source.odsCode))).toEqual(
      new Set(trusts.filter((t, i) => patient.hospital[i]!.encounters.length > 0)),
    );
    const reached = Object.keys(body.extensions!.availability as object).sort();
    const expected = REFERENCE_MARKET.filter((s) => s.organisations.some((o) => trusts.includes(o))).map(
      (s) => s.name,
    );
    expect(reached).toEqual(expected.sort());
  });

  it("with one GP system killed, only its practices' patients lose live GP sections, each labelled with it", async () => {
    const aurora = supplier('gp-aurora');
    const practices = new Set(aurora.organisations);
    const ofAurora = population.patients.filter((p) => practices.has(p.demographics.registeredPracticeOds));
    const warmed = ofAurora.slice(10, 30).map((p) => p.demographics.nhsNumber);
    const before = writes.count('gp-aurora');
    await graphql(gateway.url, LIST, { ns: warmed }); // their answers are now last-known-good copies
    const held = ofAurora.slice(10, 30).filter((p) => p.gp !== null).length;
    await eventually(() => writes.count('gp-aurora') - before >= held, 5_000, 'the copies to be kept');
    await aurora.kill();
    const { provenance, errors } = await everyonesGpRecord();
    const bySupplier = new Map<string, Provenance[]>();
    for (const p of provenance) bySupplier.set(p.supplier, [...(bySupplier.get(p.supplier) ?? []), p]);
    // Nobody served by another GP system was touched.
    const restricted = ofAurora.some((p) => p.demographics.securityLabel !== 'U');
    expect([...bySupplier.keys()].sort()).toEqual(
      ['gp-aurora', 'summary-record', ...(restricted ? ['gp (withheld)'] : [])].sort(),
    );
    expect(new Set(bySupplier.get('summary-record')!.map((p) => p.nhsNumber))).toEqual(
      new Set([fixtures.outOfArea]),
    );
    // Every one of aurora's patients (restricted ones under their domain only) is STALE if warmed, else FALLBACK.
    const named = new Map(provenance.map((p) => [p.nhsNumber, p]));
    for (const p of ofAurora) {
      const entry = named.get(p.demographics.nhsNumber);
      expect(entry, p.demographics.nhsNumber).toBeDefined();
      const warm = warmed.includes(p.demographics.nhsNumber);
      expect(entry!.status).toBe(warm ? 'STALE' : 'FALLBACK');
      if (!warm) expect(entry!.source).toBe('summary-record');
    }
    expect(provenance.filter((p) => p.supplier !== 'summary-record')).toHaveLength(ofAurora.length);
    const unavailable = errors.filter((e) => e.extensions?.code === 'SUPPLIER_UNAVAILABLE');
    expect(new Set(unavailable.map((e) => e.extensions?.supplier))).toEqual(
      new Set(['gp-aurora', ...(restricted ? ['gp (withheld)'] : [])]),
    );
    expect(unavailable.every((e) => e.extensions?.fallback === 'summary-record')).toBe(true);
  });

  it('with the fallback down too, the patients with no copy are UNAVAILABLE, with the supplier named', async () => {
    await Promise.all([supplier('gp-birch').kill(), supplier('summary-record').kill()]);
    const practices = new Set(supplier('gp-birch').organisations);
    const ofBirch = population.patients
      .filter(
        (p) => practices.has(p.demographics.registeredPracticeOds) && p.demographics.securityLabel === 'U',
      )
      .slice(0, 40)
      .map((p) => p.demographics.nhsNumber);
    // A selection nobody has asked for before, so no copy of it exists.
    const fresh = LIST.replace('medications { id }', 'medications { id status }');
    const { body } = await graphql(gateway.url, fresh, { ns: ofBirch });
    const patients = body.data!.patients as { medications: unknown }[];
    expect(patients.every((p) => p.medications === null)).toBe(true);
    const provenance = body.extensions!.provenance as Provenance[];
    expect(provenance.map((p) => [p.supplier, p.status])).toEqual(
      ofBirch.map(() => ['gp-birch', 'UNAVAILABLE']),
    );
    expect(
      body.errors!.every(
        (e) => e.extensions?.supplier === 'gp-birch' && e.extensions.reason === 'CONNECTION_FAILED',
      ),
    ).toBe(true);
  });

  it("with one trust down, a patient seen at two trusts keeps the other trust's items live and is told which trust is missing", async () => {
    const patient = population.byNhsNumber.get(fixtures.multiTrust)!;
    const [kept, lost] = patient.hospital.map((r) => r.trust.odsCode) as [string, string];
    const down = REFERENCE_MARKET.find((s) => s.organisations.includes(lost))!.name;
    const up = REFERENCE_MARKET.find((s) => s.organisations.includes(kept))!.name;
    await supplier(down).faults({ mode: 'http-500' });
    // A selection nobody has asked for before, so no copy of the lost trust's part exists.
    const fresh = HOSPITAL.replace('labResults { id', 'labResults { id value');
    const { body } = await graphql(gateway.url, fresh, { n: fixtures.multiTrust });
    const record = body.data!.patient as {
      encounters: { source: { odsCode: string } }[];
      labResults: unknown[];
    };
    expect(record.encounters.every((e) => e.source.odsCode === kept)).toBe(true);
    expect(record.encounters).toHaveLength(patient.hospital[0]!.encounters.length);
    expect(body.errors).toEqual([
      expect.objectContaining({
        path: ['patient'],
        extensions: expect.objectContaining({
          code: 'SUPPLIER_UNAVAILABLE',
          supplier: down,
          domain: 'hospital',
          organisations: [lost],
          reason: 'HTTP_STATUS',
        }),
      }),
    ]);
    expect(body.extensions!.availability).toMatchObject({
      [up]: { domain: 'hospital', status: 'LIVE' },
      [down]: { domain: 'hospital', status: 'UNAVAILABLE', reason: 'HTTP_STATUS' },
    });
  });

  it("never names a restricted patient's trust or supplier, even when one is down", async () => {
    const patient = population.byNhsNumber.get(fixtures.restricted)!;
    const trust = patient.hospital[0]!.trust.odsCode;
    const down = REFERENCE_MARKET.find((s) => s.organisations.includes(trust))!;
    await supplier(down.name).faults({ mode: 'http-500' });
    const { body } = await graphql(gateway.url, HOSPITAL, { n: fixtures.restricted });
    const text = JSON.stringify([body.errors, body.extensions]);
    expect(text).not.toContain(down.name);
    expect(text).not.toContain(trust);
    expect(body.errors).toContainEqual(
      expect.objectContaining({
        extensions: expect.objectContaining({
          code: 'SUPPLIER_UNAVAILABLE',
          supplier: 'hospital (withheld)',
        }),
      }),
    );
  });

  it("shows a trust's last-known-good items, labelled STALE with its name, beside the other trust's live ones", async () => {
    const patient = population.byNhsNumber.get(fixtures.multiTrust)!;
    const [kept, lost] = patient.hospital.map((r) => r.trust.odsCode) as [string, string];
    const down = REFERENCE_MARKET.find((s) => s.organisations.includes(lost))!.name;
    const query = HOSPITAL.replace('encounters { id', 'encounters { id class');
    const before = writes.count(down);
    await graphql(gateway.url, query, { n: fixtures.multiTrust }); // both trusts answer live, and are kept
    await eventually(() => writes.count(down) > before, 5_000, `the copy from ${down}`);
    await supplier(down).kill();
    const { body } = await graphql(gateway.url, query, { n: fixtures.multiTrust });
    const sources = (body.data!.patient as { encounters: { source: { odsCode: string } }[] }).encounters.map(
      (e) => e.source.odsCode,
    );
    expect(sources).toEqual(patient.hospital.flatMap((r) => r.encounters.map(() => r.trust.odsCode)));
    expect(sources).toContain(kept);
    expect(body.extensions!.provenance).toEqual([
      expect.objectContaining({ domain: 'hospital', supplier: down, status: 'STALE', organisations: [lost] }),
    ]);
    expect(body.errors).toBeUndefined();
  });
});
