/**
 * The patient index: the subgraph the gateway serves in-process. It owns `Query.patient` and
 * `Query.patients`, validates NHS numbers, and answers demographics; suppliers only resolve references.
 */
import { buildSubgraph, PATIENT_INDEX } from '../../schema/index.js';
import { LocalDataSource } from './local-data-source.js';
import { indexResolvers, type IndexResolverOptions } from './resolvers.js';

export { populationDemographics, type DemographicsSource } from './demographics.js';

export function createPatientIndex(options: IndexResolverOptions): LocalDataSource {
  return new LocalDataSource(buildSubgraph(PATIENT_INDEX, indexResolvers(options)));
}
