import type { GateResult } from './entries.js';

/**
 * Error codes of the registry API, with their HTTP status, in `{ "error": { "code", "message" } }` bodies
 * (a refusal by a gate adds `gates`). A refused request changes nothing. docs/registry.md lists them with
 * the gates' own codes; a test keeps the two in step.
 */
export const RegistryErrorCode = {
  /** The body is not a valid entry: the message names each bad field. */
  INVALID_ENTRY: 400,
  /** Every change needs a reason of 3 to 500 characters, kept in the history and the audit trail. */
  REASON_REQUIRED: 400,
  /** Neither an ops token nor a supplier's registry credential. */
  REGISTRY_UNAUTHENTICATED: 401,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  /** The body is over 256 KiB. */
  PAYLOAD_TOO_LARGE: 413,
  /** A rollback target that is not a version number. */
  INVALID_VERSION: 400,
  /** A supplier's credential used on another supplier's entry. */
  NOT_YOUR_ENTRY: 403,
  /** Domain entries, approvals, rejections and credentials are for operators only. */
  OPERATOR_ONLY: 403,
  UNKNOWN_ENTRY: 404,
  UNKNOWN_VERSION: 404,
  /** The registry changed while the candidate was checked (another publish won): check again. */
  REGISTRY_CONFLICT: 409,
  /** Approve or reject a version that is not waiting for approval. */
  NOT_PENDING: 409,
  /** Roll back to the version already in service, or to one never approved. */
  NOT_A_ROLLBACK_TARGET: 409,
  /** An entry holds its most versions (200), or a supplier's version already waits for approval. */
  ENTRY_LIMIT_REACHED: 409,
  /** A supplier's own check or publish is still running: one at a time per supplier. */
  REGISTRY_BUSY: 429,
  /** A gate refused the candidate; `gates` says which and why (its code is the error's code). */
  GATE_FAILED: 422,
  /** The rollback target would not compose, or would break the market, with the state as it is now. */
  ROLLBACK_REFUSED: 422,
  /** REDIS_URL is set and Redis cannot be reached: a change that could not be shared is not made. */
  REGISTRY_UNAVAILABLE: 503,
} as const;

export type RegistryErrorCodeName = keyof typeof RegistryErrorCode;

export class RegistryError extends Error {
  constructor(
    /** One of RegistryErrorCode, or a gate's refusal code (docs/registry.md). */
    readonly code: string,
    message: string,
    readonly extra: { readonly gates?: readonly GateResult[]; readonly details?: unknown } = {},
    readonly status: number = RegistryErrorCode[code as RegistryErrorCodeName] ?? 422,
  ) {
    super(message);
    this.name = 'RegistryError';
  }
}

/** The refusal for a candidate some gate failed: the first failing gate's code and message. */
export function gateRefusal(gates: readonly GateResult[]): RegistryError | undefined {
  const failed = gates.find((g) => g.status === 'failed');
  if (!failed) return undefined;
  return new RegistryError(
    failed.code ?? 'GATE_FAILED',
    `${failed.gate} gate: ${failed.message}`,
    { gates },
    RegistryErrorCode.GATE_FAILED,
  );
}
