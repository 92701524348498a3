import { describe, expect, it } from 'vitest';
import { parseNhsNumber } from '../../schema/nhs-number.js';
import { DEFAULT_POPULATION, generatePopulation } from '../../subgraphs/synthetic/index.js';

describe('synthetic population', () => {
  const population = generatePopulation();
  const { fixtures } = population;

  it('is the same in every process that generates it', () => {
    expect(JSON.stringify(generatePopulation())).toBe(JSON.stringify(population));
    expect(generatePopulation({ ...DEFAULT_POPULATION, seed: 7 }).fixtures.sample).not.toBe(fixtures.sample);
  });

  it('holds a few hundred distinct, checksum-valid numbers from the never-issued 999 range', () => {
    expect(population.patients).toHaveLength(300);
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
    expect(get(fixtures.sample).hospital.encounters.length).toBeGreaterThan(0);
    const empty = get(fixtures.noHospitalHistory).hospital;
    expect(
      [empty.encounters, empty.labResults, empty.procedures, empty.outpatientAppointments].flat(),
    ).toEqual([]);
    expect(get(fixtures.deceased).demographics.deceasedDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(get(fixtures.restricted).demographics.securityLabel).toBe('R');
    expect(get(fixtures.registeredElsewhere).gp).toBeNull();
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
});
