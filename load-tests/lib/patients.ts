import { generatePopulation } from '../../subgraphs/synthetic/index.js';

export const population = generatePopulation();

const fixtures = new Set<string>(Object.values(population.fixtures));

/**
 * The patients the load cycles through: unrestricted (restricted patients are never cached, so they are
 * never servable stale), with a GP record at a practice of the market and a record at one trust at least,
 * not among the fixtures. They are spread evenly over the market's practices, so a third of them belong
 * to each GP system. (A patient no trust has seen gets NO_RECORD_FOUND from the all-trusts supplier the
 * peers ask; this gateway asks no trust for them. Both records held, every target can answer in full.)
 */
export const benchPatients: readonly string[] = population.patients
  .filter(
    (p) =>
      p.gp !== null &&
      p.hospital.length > 0 &&
      p.demographics.securityLabel === 'U' &&
      !fixtures.has(p.demographics.nhsNumber),
  )
  .slice(0, 100)
  .map((p) => p.demographics.nhsNumber);
