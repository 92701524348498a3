/**
 * The federation contract and the supergraph: which subgraphs exist, what a supplier's SDL must look
 * like, and the composed supergraph the gateway starts from.
 */
import { readFileSync } from 'node:fs';
import { SUPERGRAPH_FILE } from './subgraphs.js';

export { compose, type Composition, type SubgraphSource } from './compose.js';
export { buildSubgraph } from './executable.js';
export { DateScalar, DateTimeScalar } from './scalars.js';
export { checkSupplierContract, type ContractViolation } from './contract.js';
export { fieldMarkings, LOCATION_DIRECTIVE, type FieldMarkings } from './markings.js';
export {
  PATIENT_INDEX,
  SUBGRAPHS,
  DOMAIN_NAMES,
  CONTRACT_SDL,
  subgraphSdl,
  ownSdl,
  withContract,
  SUPERGRAPH_FILE,
} from './subgraphs.js';
export type { SubgraphDefinition } from './subgraphs.js';

/** The committed supergraph (regenerate with `npm run compose`; a test fails when it is out of date). */
export function loadSupergraph(): string {
  return readFileSync(SUPERGRAPH_FILE, 'utf8');
}
