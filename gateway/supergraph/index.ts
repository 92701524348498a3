/**
 * The supergraph in service and its replacement without a restart: one @apollo/gateway per supergraph
 * generation, query plans warmed before a swap, requests finishing on the schema they started with.
 */
export {
  SupergraphGenerations,
  type GenerationParts,
  type GenerationView,
  type SupergraphSpec,
} from './generations.js';
export { guardWarmUp, warmPlans, WARM_UP_CONTEXT, type WarmableOperation } from './warm-up.js';
export { APOLLO_TELEMETRY, federatedGateway, type FederationParts } from './federated.js';
