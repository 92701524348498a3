import { ApolloGateway, type GraphQLDataSource } from '@apollo/gateway';
import type { Logger } from '../../lib/logger.js';
import { PATIENT_INDEX } from '../../schema/index.js';
import type { GenerationParts } from './generations.js';
import { guardWarmUp } from './warm-up.js';

/** Apollo's spans carry neither the operation's text (literal NHS numbers) nor error messages. */
export const APOLLO_TELEMETRY = { includeDocument: false, recordExceptions: false } as const;

export interface FederationParts {
  /** The patient index, served in this process. */
  readonly index: GraphQLDataSource;
  /** The data source of a record domain, for the contract its subgraph has in this supergraph. */
  readonly domainSource: (domain: string, contractSdl: string) => GraphQLDataSource;
  readonly logger: Logger;
}

/**
 * How each supergraph generation gets its @apollo/gateway: the patient index and the record domains as
 * its subgraphs (each guarded so a plan warm-up reaches no data), Apollo's telemetry kept to what may be
 * recorded, and every plan reported to the generation (which keeps it for the prepared path).
 */
export function federatedGateway(parts: FederationParts): GenerationParts['build'] {
  // @apollo/gateway otherwise probes cloud metadata services and exports usage data to Apollo from every
  // process; a patient-record gateway sends nothing to third parties. The switch is only an environment
  // variable, read when the gateway is constructed.
  process.env.APOLLO_TELEMETRY_DISABLED = '1';
  return ({ sdl, domainSdl }, didResolveQueryPlan) =>
    new ApolloGateway({
      supergraphSdl: sdl,
      logger: parts.logger,
      experimental_didResolveQueryPlan: didResolveQueryPlan,
      telemetry: APOLLO_TELEMETRY,
      buildService: ({ name }) => {
        if (name === PATIENT_INDEX) return guardWarmUp(parts.index);
        const contract = domainSdl.get(name);
        if (contract === undefined)
          throw new Error(`the supergraph names subgraph "${name}", which is not a domain of the market`);
        return guardWarmUp(parts.domainSource(name, contract));
      },
    });
}
