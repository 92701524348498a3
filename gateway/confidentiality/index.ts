/**
 * Confidentiality the gateway enforces for every supplier, driven by the contract: fields marked
 * @revealsLocation (schema/contract.graphql) are withheld for patients whose PDS record is restricted.
 * The patient index applies the PDS rules to demographics itself (patient-index/resolvers.ts).
 */
export { LocationPolicy, withhold, type WithholdPlan } from './withhold.js';
