/** The clinicians' HTTP endpoint in front of Apollo Server. */
export {
  startClinicalEndpoint,
  type ClinicalEndpointOptions,
  type RunningEndpoint,
} from './clinical-endpoint.js';
export { createApolloServer } from './apollo.js';
