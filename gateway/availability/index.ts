/** Per-request availability reporting: which supplier's sections were live, stale (and how old) or missing. */
export { availabilityPlugin } from './plugin.js';
export {
  AvailabilityRecorder,
  type EntityOutcome,
  type ProvenanceEntry,
  type SectionStatus,
  type SupplierAvailability,
} from './recorder.js';
