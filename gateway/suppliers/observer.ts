import type { PatientOutcome } from '../availability/index.js';
import type { FailureReason } from '../breakers/index.js';

export type CallOutcome = 'success' | 'failure' | 'rejected';

/** Told about every supplier fetch; the metrics module is the production implementation. */
export interface SupplierObserver {
  /** One call to the supplier, or its refusal by the breaker (`rejected`: nothing was sent). */
  called(supplier: string, outcome: CallOutcome, reason: FailureReason | undefined, durationMs: number): void;
  /** How one patient's sections from one supplier were served (live, stale, fallback or not at all). */
  served(outcome: PatientOutcome): void;
}

export const NO_SUPPLIER_OBSERVER: SupplierObserver = { called: () => undefined, served: () => undefined };
