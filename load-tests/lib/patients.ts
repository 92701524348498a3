import { generatePopulation } from '../../subgraphs/synthetic/index.js';

export const population = generatePopulation();

/**
 * The patients the load cycles through: unrestricted (restricted patients are never cached, so they are
 * never servable stale), registered with the reference GP supplier, not among the fixtures.
 */
export const benchPatients: readonly string[] = population.patients
  .slice(5)
  .filter((p) => p.gp !== null && p.demographics.securityLabel === 'U')
  .slice(0, 100)
  .map((p) => p.demographics.nhsNumber);
