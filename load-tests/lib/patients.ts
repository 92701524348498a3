import { generatePopulation } from '../../subgraphs/synthetic/index.js';

export const population = generatePopulation();

const fixtures = new Set<string>(Object.values(population.fixtures));

/**
 * The patients the load cycles through: unrestricted (restricted patients are never cached, so they are
 * never servable stale), with a GP record at a practice of the market, not among the fixtures. They are
 * spread evenly over the market's practices, so a third of them belong to each GP system.
 */
export const benchPatients: readonly string[] = population.patients
  .filter(
    (p) => p.gp !== null && p.demographics.securityLabel === 'U' && !fixtures.has(p.demographics.nhsNumber),
  )
  .slice(0, 100)
  .map((p) => p.demographics.nhsNumber);
