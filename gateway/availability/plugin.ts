import type { ApolloServerPlugin } from '@apollo/server';
import type { GatewayContext } from '../context.js';

/**
 * Writes `extensions.availability` (one entry per supplier the query reached) and, when any patient's
 * sections were not live, `extensions.provenance` (which patient, which supplier, how old) into every
 * response. A stale or missing section is therefore never silent.
 */
export function availabilityPlugin(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, contextValue }) {
          if (response.body.kind !== 'single' || contextValue.availability.empty) return;
          const result = response.body.singleResult;
          const provenance = contextValue.availability.provenance();
          result.extensions = {
            ...result.extensions,
            availability: contextValue.availability.availability(),
            ...(provenance.length > 0 ? { provenance } : {}),
          };
        },
      };
    },
  };
}
