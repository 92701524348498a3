/**
 * Circuit breakers, one per supplier: a state machine the project owns (state.ts), opening policies that
 * compose (policy.ts), a rolling window on the injected clock (window.ts), an aborting timeout, and an
 * operator's isolation switch over the circuit.
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
export { consecutiveFailures, errorRate, firstOf, openingPolicy, type OpeningPolicy } from './policy.js';
