/**
 * Circuit breakers, one per supplier: opossum's state machine with a probe guard, an aborting timeout,
 * and an operator's isolation switch on top.
 */
export { SupplierBreaker, type BreakerState, type BreakerStats, type Transition } from './breaker.js';
export {
  breakerOptions,
  breakerOptionsSchema,
  type BreakerOptions,
  type BreakerOptionsInput,
} from './options.js';
export { FAILURE_REASONS, SupplierFailure, type FailureReason } from './failure.js';
export { withTimeout } from './timeout.js';
