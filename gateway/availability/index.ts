/** Per-request availability reporting: which supplier's sections were live, stale (and how old), fallback or missing. */
export { availabilityPlugin } from './plugin.js';
export {
  AvailabilityRecorder,
  shownSupplier,
  type PatientOutcome,
  type ProvenanceEntry,
  type SectionStatus,
  type SupplierAvailability,
} from './recorder.js';
