/**
 * Why a supplier call produced no usable answer. These reasons reach clients in
 * `extensions.reason` of SUPPLIER_UNAVAILABLE errors, ops in the console, and Prometheus as labels.
 */
export const FAILURE_REASONS = {
  CONNECTION_FAILED: 'the supplier could not be reached',
  TIMEOUT: 'the supplier did not answer in time',
  HTTP_STATUS: 'the supplier answered with an HTTP error',
  CREDENTIALS_REFUSED: "the supplier refused the gateway's signed assertion",
  MALFORMED_RESPONSE: 'the supplier sent a response that is not valid GraphQL JSON',
  SUPPLIER_ERROR: 'the supplier reported an internal failure',
  IDENTITY_MISMATCH: "the supplier answered with another patient's record",
  BREAKER_OPEN: 'the supplier is failing and calls to it are paused',
  ISOLATED: 'the supplier has been isolated by operations staff',
} as const;

export type FailureReason = keyof typeof FAILURE_REASONS;

/** A failed supplier call. `counts` is false for refusals by the breaker itself (nothing was sent). */
export class SupplierFailure extends Error {
  constructor(
    readonly reason: FailureReason,
    readonly detail: string,
    /** Entities that did arrive intact in a partly failed answer, by representation index. */
    readonly partial?: ReadonlyMap<number, unknown>,
  ) {
    super(`${FAILURE_REASONS[reason]}: ${detail}`);
    this.name = 'SupplierFailure';
  }

  get counts(): boolean {
    return this.reason !== 'BREAKER_OPEN' && this.reason !== 'ISOLATED';
  }
}
