/**
 * The deterministic synthetic data set behind the reference suppliers and the development patient index.
 * Every process that calls `generatePopulation` with the same options gets the same patients.
 */
export { DEFAULT_POPULATION, generatePopulation } from './population.js';
export type { Fixtures, Population, PopulationOptions } from './population.js';
export type * from './types.js';
