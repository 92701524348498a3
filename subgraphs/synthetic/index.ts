/**
 * The deterministic synthetic data set behind the reference suppliers and the development patient index,
 * and the reference market of organisations and suppliers it is spread over. Every process that calls
 * `generatePopulation` with the same options gets the same patients.
 */
export { DEFAULT_POPULATION, generatePopulation } from './population.js';
export {
  CONFORMANCE_ORGANISATIONS,
  CONFORMANCE_PRACTICE,
  CONFORMANCE_TRUST,
  conformancePack,
  PACK_PREFIX,
  packRecord,
  type ConformancePack,
} from './conformance.js';
export type { Fixtures, Population, PopulationOptions } from './population.js';
export {
  FALLBACKS,
  OUT_OF_AREA_PRACTICE,
  PRACTICES,
  REFERENCE_MARKET,
  TRUSTS,
  type ReferenceSupplier,
  type SupplierKind,
} from './market.js';
export type * from './types.js';
