/**
 * The supplier registry: suppliers and record domains registered, upgraded and rolled back at run time,
 * through gates, shared by every replica through Redis, with a last-known-good copy on each replica's disk.
 */
export { type Bootstrap, effective, supergraphFor } from './effective.js';
export * from './entries.js';
export { RegistryError, RegistryErrorCode, gateRefusal, type RegistryErrorCodeName } from './errors.js';
export { openRegistry, registryControl, type OpenedRegistry } from './assemble.js';
export { registryApi, type RegistryApi } from './http.js';
export { RegistryService, type ApprovalPolicy, type RegistryCaller } from './service.js';
export { GATE_CODES, runGates, type GateParts } from './gates/index.js';
export { CONFORMANCE_CHECKS } from './conformance/suite.js';
export { LastKnownGood, type Snapshot } from './last-known-good.js';
export { RegistryRuntime, type RuntimeView, type Served } from './runtime.js';
export { servedBy, startingPoint } from './start.js';
export { RegistryStore, type RegistrySource, type ReplicaAck } from './store.js';
export * as registryState from './state.js';
