/**
 * The usage store: which operations clients sent, the fields they read, and when; the registry's
 * breaking-changes gate refuses to remove what is in use, and supergraph swaps warm these operations' plans.
 */
export { usagePlugin } from './plugin.js';
export { UsageStore, type OperationUse } from './store.js';
