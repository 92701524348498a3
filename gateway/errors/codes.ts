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
  /** A parameter a supplier was given is out of its bounds (passed through from the supplier). */
  INVALID_PARAMETER: { status: 200, scope: 'field' },
  /** A supplier could not answer and no usable last-known-good copy exists; its sections are null. */
  SUPPLIER_UNAVAILABLE: { status: 200, scope: 'field' },
  /** No supplier connected to the gateway serves the patient's organisation (e.g. a practice outside the region). */
  ORGANISATION_NOT_SERVED: { status: 200, scope: 'field' },
  /** The supplier refused the request for this user or patient (access rules). */
  ACCESS_DENIED: { status: 200, scope: 'field' },
  /** GP Connect: the patient has not consented to sharing this record (passed through from the supplier). */
  NO_PATIENT_CONSENT: { status: 200, scope: 'field' },
  /** GP Connect: no legitimate relationship between the user's organisation and the patient (passed through). */
  NO_RELATIONSHIP: { status: 200, scope: 'field' },
  /**
   * The patient's PDS record is restricted: fields that reveal where they live, are registered or are
   * treated are null. `extensions.fields` lists them.
   */
  CONFIDENTIAL_WITHHELD: { status: 200, scope: 'field' },
  /** No valid clinician identity (missing, expired or unverifiable token). Nothing was looked up. */
  UNAUTHENTICATED: { status: 401, scope: 'request' },
  /** The query is deeper, wider, larger or costlier than the gateway accepts. */
  QUERY_TOO_COMPLEX: { status: 400, scope: 'request' },
  /** The request looks up more patients, over all its aliases and root fields, than the gateway accepts. */
  TOO_MANY_PATIENTS: { status: 400, scope: 'request' },
  /** The request body is larger than the gateway accepts. */
  PAYLOAD_TOO_LARGE: { status: 413, scope: 'request' },
  /** The request is not a GraphQL-over-HTTP request (body not a JSON object, `query` not a string, batching). */
  BAD_REQUEST: { status: 400, scope: 'request' },
  /** Patient data is served over POST only, so NHS numbers never travel in URLs. */
  METHOD_NOT_ALLOWED: { status: 405, scope: 'request' },
  /** The body is not JSON (`content-type: application/json` or `application/graphql-response+json`). */
  UNSUPPORTED_MEDIA_TYPE: { status: 415, scope: 'request' },
  /** No path other than /graphql is served on the clinical port. */
  NOT_FOUND: { status: 404, scope: 'request' },
  /** The query could not be parsed (Apollo Server's code). */
  GRAPHQL_PARSE_FAILED: { status: 400, scope: 'request' },
  /** The query does not match the schema, or uses an alias the gateway reserves (Apollo Server's code). */
  GRAPHQL_VALIDATION_FAILED: { status: 400, scope: 'request' },
  /** The variables do not match the operation's variable definitions (Apollo Server's code). */
  BAD_USER_INPUT: { status: 400, scope: 'request' },
  /** `operationName` names no operation in the document, or the document holds several and none is named. */
  OPERATION_RESOLUTION_FAILURE: { status: 400, scope: 'request' },
  /** Only queries are answered: the record is read-only here, and there are no subscriptions. */
  OPERATION_NOT_SUPPORTED: { status: 400, scope: 'request' },
  /** Automatic persisted queries are not accepted: send the query text. */
  PERSISTED_QUERY_NOT_SUPPORTED: { status: 400, scope: 'request' },
  /** The replica cannot audit promptly (its audit trail failed, or is behind by more than AUDIT_MAX_BACKLOG_MB). */
  AUDIT_UNAVAILABLE: { status: 503, scope: 'request' },
  /** A bug in the gateway. Details are logged, never returned. */
  INTERNAL_SERVER_ERROR: { status: 500, scope: 'request' },
} as const satisfies Record<string, { status: number; scope: 'field' | 'request' }>;

export type ErrorCodeName = keyof typeof ErrorCode;

/**
 * Supplier error codes that are answers about the patient or user, not failures of the supplier. They are
 * passed through to clients, so each is one of the documented codes above; any other code from a supplier
 * counts as a supplier failure.
 */
export const CLIENT_SIDE_SUPPLIER_CODES: ReadonlySet<ErrorCodeName> = new Set([
  'INVALID_NHS_NUMBER',
  'PATIENT_NOT_FOUND',
  'NO_RECORD_FOUND',
  'NO_PATIENT_CONSENT',
  'NO_RELATIONSHIP',
  'ACCESS_DENIED',
  'INVALID_PARAMETER',
]);

/** Whether `code` is one a client may receive. */
export const isErrorCode = (code: unknown): code is ErrorCodeName =>
  typeof code === 'string' && Object.hasOwn(ErrorCode, code);

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
