/**
 * Error codes of the ops API, in `{ "error": { "code", "message" } }` bodies. A rejected request changes
 * nothing. docs/errors.md lists them; a test keeps the two in step.
 */
export const OpsErrorCode = {
  /** Missing or wrong `Authorization: Bearer <ops token>`. */
  OPS_UNAUTHENTICATED: 401,
  /** No supplier of that name. */
  UNKNOWN_SUPPLIER: 404,
  /** Every control action needs a reason (3 to 500 characters). */
  REASON_REQUIRED: 400,
  /** A quarantine cut-off that is not an ISO 8601 date-time with a zone, or is in the future. */
  INVALID_CUTOFF: 400,
  /** A purge by patient with an invalid NHS number. */
  INVALID_NHS_NUMBER: 400,
  /** A migration of an organisation the market does not declare, or that no supplier serves. */
  UNKNOWN_ORGANISATION: 404,
  /** A migration to a supplier of another record domain, or to a domain's national fallback. */
  WRONG_DOMAIN: 400,
  /** A cut-over that is not an ISO 8601 date-time with a zone, or is in the past. */
  INVALID_CUTOVER: 400,
  /** A migration to the supplier that already serves the organisation. */
  ALREADY_SERVED: 409,
  /** Another migration of the organisation is waiting for its cut-over (cancel it first); or a rollback before the cut-over. */
  MIGRATION_PENDING: 409,
  /** A cancellation after the cut-over: the migration has happened (roll it back instead). */
  MIGRATION_IN_EFFECT: 409,
  /** No migration of that organisation is scheduled or in effect. */
  NO_MIGRATION: 404,
  /** The body is not a JSON object. */
  BAD_REQUEST: 400,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  PAYLOAD_TOO_LARGE: 413,
} as const;

export type OpsErrorCodeName = keyof typeof OpsErrorCode;

export class OpsError extends Error {
  constructor(
    readonly code: OpsErrorCodeName,
    message: string,
  ) {
    super(message);
    this.name = 'OpsError';
  }

  get status(): number {
    return OpsErrorCode[this.code];
  }
}
