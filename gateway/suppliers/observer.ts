import type { PatientOutcome } from '../availability/index.js';
import type { FailureReason } from '../breakers/index.js';

export type CallOutcome = 'success' | 'failure' | 'rejected';

/** Told about every supplier fetch; the metrics module is the production implementation. */
export interface SupplierObserver {
  /** One call to the supplier, or its refusal by the breaker (`rejected`: nothing was sent). */
  called(supplier: string, outcome: CallOutcome, reason: FailureReason | undefined, durationMs: number): void;
  /** How each patient's sections from each supplier were served by one fetch (live, stale, fallback, none). */
  served(outcomes: readonly PatientOutcome[]): void;
}

export const NO_SUPPLIER_OBSERVER: SupplierObserver = { called: () => undefined, served: () => undefined };
