import { describe, expect, it } from 'vitest';
import { parseNhsNumber } from '../../schema/nhs-number.js';
import {
  DEFAULT_POPULATION,
  generatePopulation,
  OUT_OF_AREA_PRACTICE,
  PRACTICES,
  REFERENCE_MARKET,
  TRUSTS,
} from '../../subgraphs/synthetic/index.js';

describe('synthetic population', () => {
  const population = generatePopulation();
  const { fixtures } = population;

  it('is the same in every process that generates it', () => {
    expect(JSON.stringify(generatePopulation())).toBe(JSON.stringify(population));
    expect(generatePopulation({ ...DEFAULT_POPULATION, seed: 7 }).fixtures.sample).not.toBe(fixtures.sample);
  });

  it('holds distinct, checksum-valid numbers from the never-issued 999 range', () => {
    expect(population.patients).toHaveLength(1_200);
    const numbers = population.patients.map((p) => p.demographics.nhsNumber);
    expect(new Set(numbers).size).toBe(numbers.length);
    for (const n of numbers) {
      expect(parseNhsNumber(n).ok).toBe(true);
      expect(n.startsWith('999')).toBe(true);
    }
  });

  it('provides the edge cases the tests and demos rely on', () => {
    const get = (n: string) => population.byNhsNumber.get(n)!;
    expect(get(fixtures.sample).gp?.medications.length).toBeGreaterThan(0);
    expect(get(fixtures.sample).hospital.flatMap((r) => r.encounters).length).toBeGreaterThan(0);
    expect(get(fixtures.noHospitalHistory).hospital).toEqual([]);
    const trusts = (n: string) => get(n).hospital.map((r) => r.trust.odsCode);
    expect(new Set(trusts(fixtures.multiTrust)).size).toBe(2);
    expect(new Set(trusts(fixtures.sample)).size).toBe(2);
    expect(get(fixtures.veryRestricted).demographics.securityLabel).toBe('V');
    expect(get(fixtures.outOfArea).demographics.registeredPracticeOds).toBe(OUT_OF_AREA_PRACTICE.odsCode);
    expect(get(fixtures.deceased).demographics.deceasedDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(get(fixtures.restricted).demographics.securityLabel).toBe('R');
    expect(get(fixtures.noGpRecord).gp).toBeNull();
    expect(parseNhsNumber(fixtures.unknown).ok).toBe(true);
    expect(population.byNhsNumber.has(fixtures.unknown)).toBe(false);
  });

  it('codes its entries and dates them on or before the reference date', () => {
    const record = population.byNhsNumber.get(fixtures.sample)!.gp!;
    for (const m of record.medications) {
      expect(m.medication.system).toBe('https://dmd.nhs.uk');
      expect(m.startDate <= DEFAULT_POPULATION.referenceDate).toBe(true);
    }
    for (const p of record.problems) expect(p.code.system).toBe('http://snomed.info/sct');
  });

  it('refuses sizes it cannot honour, quoting the value', () => {
    expect(() => generatePopulation({ ...DEFAULT_POPULATION, size: 2 })).toThrow(/got 2/);
  });

  it("spreads patients over the market so each GP system and each trust's system holds hundreds", () => {
    for (const supplier of REFERENCE_MARKET.filter((s) => s.kind !== 'summary-record')) {
      const held = population.patients.filter((p) =>
        supplier.kind === 'gp-system'
          ? p.gp && supplier.organisations.includes(p.demographics.registeredPracticeOds)
          : p.hospital.some((r) => supplier.organisations.includes(r.trust.odsCode)),
      );
      expect(held.length, supplier.name).toBeGreaterThanOrEqual(250);
    }
    const atTwoTrusts = population.patients.filter((p) => p.hospital.length >= 2);
    expect(atTwoTrusts.length).toBeGreaterThan(100);
    // Every item of a hospital record names the trust that holds it, and ids never clash across trusts.
    const items = population.patients.flatMap((p) =>
      p.hospital.flatMap((r) => r.encounters.map((e) => [e, r.trust] as const)),
    );
    for (const [item, trust] of items) expect(item.source).toEqual(trust);
    expect(new Set(items.map(([e]) => e.id)).size).toBe(items.length);
    expect(PRACTICES).toHaveLength(8);
    expect(TRUSTS).toHaveLength(3);
  });
});
