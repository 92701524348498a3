/**
 * The patient index: the subgraph the gateway serves in-process. It owns `Query.patient` and
 * `Query.patients`, validates NHS numbers, and answers demographics; suppliers only resolve references.
 */
import type { GraphQLSchema } from 'graphql';
import { buildSubgraph, PATIENT_INDEX } from '../../schema/index.js';
import { LocalDataSource } from './local-data-source.js';
import { indexResolvers, type IndexResolverOptions } from './resolvers.js';

export {
  indexedPatients,
  memorySource,
  populationSource,
  type IndexedPatient,
  type PatientSource,
} from './demographics.js';
export { fileSource, type IndexSnapshot } from './file-source.js';

/** The index's executable subgraph schema (its resolvers expect a GatewayContext). */
export function buildPatientIndexSchema(options: IndexResolverOptions): GraphQLSchema {
  return buildSubgraph(PATIENT_INDEX, indexResolvers(options));
}

export function createPatientIndex(options: IndexResolverOptions): LocalDataSource {
  return new LocalDataSource(buildPatientIndexSchema(options));
}
