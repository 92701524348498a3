import { GraphQLError } from 'graphql';

/**
 * Every error code a client of the gateway can see in `errors[].extensions.code`, and what it means.
 * docs/errors.md is the human version of this table; a test keeps the two in step.
 *
 * `status` is the HTTP status when the error decides the whole response. Errors about one patient or one
 * section are field errors: the response is still HTTP 200 and carries everything else that could be given.
 */
export const ErrorCode = {
  /** The NHS number is not ten digits or fails its Modulus 11 check digit. */
  INVALID_NHS_NUMBER: { status: 200, scope: 'field' },
  /** A valid NHS number that the patient index does not know. `patient` is null. */
  PATIENT_NOT_FOUND: { status: 200, scope: 'field' },
  /** The supplier answered, and holds no record for this patient (e.g. registered on another GP system). */
  NO_RECORD_FOUND: { status: 200, scope: 'field' },
  /** A request parameter is out of bounds, e.g. too many NHS numbers in `patients`. */
  INVALID_PARAMETER: { status: 200, scope: 'field' },
  /** A supplier could not answer and no usable last-known-good copy exists; its sections are null. */
  SUPPLIER_UNAVAILABLE: { status: 200, scope: 'field' },
  /** The supplier refused the request for this user or patient (consent, relationship, access). */
  ACCESS_DENIED: { status: 200, scope: 'field' },
  /** No valid clinician identity (missing, expired or unverifiable token). Nothing was looked up. */
  UNAUTHENTICATED: { status: 401, scope: 'request' },
  /** The query is deeper, wider or larger than the gateway accepts. */
  QUERY_TOO_COMPLEX: { status: 400, scope: 'request' },
  /** The request body is larger than the gateway accepts. */
  PAYLOAD_TOO_LARGE: { status: 413, scope: 'request' },
  /** The request is not a GraphQL-over-HTTP request (wrong method, content type or body). */
  BAD_REQUEST: { status: 400, scope: 'request' },
  /** No path other than /graphql is served on the clinical port. */
  NOT_FOUND: { status: 404, scope: 'request' },
  /** The query could not be parsed (Apollo Server's code). */
  GRAPHQL_PARSE_FAILED: { status: 400, scope: 'request' },
  /** The query does not match the schema (Apollo Server's code). */
  GRAPHQL_VALIDATION_FAILED: { status: 400, scope: 'request' },
  /** A bug in the gateway. Details are logged, never returned. */
  INTERNAL_SERVER_ERROR: { status: 500, scope: 'request' },
} as const satisfies Record<string, { status: number; scope: 'field' | 'request' }>;

export type ErrorCodeName = keyof typeof ErrorCode;

/** Supplier error codes that are answers about the patient or user, not failures of the supplier. */
export const CLIENT_SIDE_SUPPLIER_CODES: ReadonlySet<string> = new Set([
  'INVALID_NHS_NUMBER',
  'PATIENT_NOT_FOUND',
  'NO_RECORD_FOUND',
  'NO_PATIENT_CONSENT',
  'NO_RELATIONSHIP',
  'ACCESS_DENIED',
  'INVALID_PARAMETER',
  'BAD_USER_INPUT',
  'FORBIDDEN',
]);

/** A GraphQL error carrying one of the documented codes. */
export function gatewayError(
  code: ErrorCodeName,
  message: string,
  extensions: Record<string, unknown> = {},
): GraphQLError {
  return new GraphQLError(message, { extensions: { ...extensions, code } });
}

/** The JSON body for a request rejected before GraphQL execution (GraphQL-over-HTTP error shape). */
export function requestErrorBody(code: ErrorCodeName, message: string): string {
  return JSON.stringify({ errors: [{ message, extensions: { code } }] });
}
