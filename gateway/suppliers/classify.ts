import type { GraphQLFormattedError } from 'graphql';
import { SupplierFailure } from '../breakers/index.js';
import { CLIENT_SIDE_SUPPLIER_CODES, isErrorCode } from '../errors/index.js';
import { IDENTITY_KEY } from './identity.js';
import type { SupplierResponse } from './transport.js';

/** What the supplier said about one requested patient. */
export type EntityAnswer =
  /** The entity, with any client-side errors on its fields (passed through to the client). */
  | {
      readonly kind: 'entity';
      readonly entity: Record<string, unknown>;
      readonly errors: readonly GraphQLFormattedError[];
    }
  /** An answer about the patient rather than a failure: e.g. NO_RECORD_FOUND. The supplier is healthy. */
  | { readonly kind: 'refused'; readonly errors: readonly GraphQLFormattedError[] }
  /** The supplier failed for this patient. */
  | { readonly kind: 'failed'; readonly detail: string };

interface GraphQLBody {
  data?: { _entities?: unknown } | null;
  errors?: GraphQLFormattedError[];
}

/** The error's `extensions.code` when it is a string. */
const codeOf = (e: GraphQLFormattedError): string | undefined =>
  typeof e.extensions?.code === 'string' ? e.extensions.code : undefined;

const isClientSide = (e: GraphQLFormattedError) => {
  const code = codeOf(e);
  return isErrorCode(code) && CLIENT_SIDE_SUPPLIER_CODES.has(code);
};

function parseBody(response: SupplierResponse): GraphQLBody {
  let body: unknown;
  try {
    body = JSON.parse(response.body);
  } catch {
    throw new SupplierFailure('MALFORMED_RESPONSE', `HTTP ${response.status} with a body that is not JSON`);
  }
  if (
    typeof body !== 'object' ||
    body === null ||
    Array.isArray(body) ||
    !('data' in body || 'errors' in body)
  ) {
    throw new SupplierFailure('MALFORMED_RESPONSE', 'JSON body without data or errors');
  }
  const errors = (body as GraphQLBody).errors;
  if (errors !== undefined && !Array.isArray(errors))
    throw new SupplierFailure('MALFORMED_RESPONSE', 'errors is not a list');
  return body as GraphQLBody;
}

/**
 * Reads a supplier's answer to an `_entities` request for `asked` NHS numbers, one answer per number.
 *
 * Throws a SupplierFailure (which the breaker counts) when the answer as a whole is a supplier failure: an
 * HTTP error status, a body that is not GraphQL JSON, a request-level error with a supplier-side code, or a
 * record for a different patient than the one asked about. A supplier that is up and says "no record for
 * this patient" is not failing: that comes back as `refused`.
 */
export function readEntities(response: SupplierResponse, asked: readonly string[]): EntityAnswer[] {
  // The supplier does not accept the gateway's credentials: a configuration fault ops must see by name.
  if (response.status === 401) throw new SupplierFailure('CREDENTIALS_REFUSED', 'HTTP 401');
  const body = parseBodyOrStatus(response);
  if (!body) throw new SupplierFailure('HTTP_STATUS', `HTTP ${response.status}`);
  const errors = body.errors ?? [];
  const requestLevel = errors.filter((e) => e.path?.[0] !== '_entities' || typeof e.path[1] !== 'number');
  const failing = requestLevel.find((e) => !isClientSide(e));
  if (failing) throw new SupplierFailure('SUPPLIER_ERROR', codeOf(failing) ?? 'error without a code');
  const entities = body.data?._entities;
  if (requestLevel.length > 0 && entities == null)
    return asked.map(() => ({ kind: 'refused', errors: requestLevel }));
  if (!Array.isArray(entities) || entities.length !== asked.length) {
    throw new SupplierFailure('MALFORMED_RESPONSE', `expected ${asked.length} entities`);
  }
  // Each entity's own errors, found in one pass (a clinic list must not cost entities × errors).
  const byEntity = new Map<unknown, GraphQLFormattedError[]>();
  for (const e of errors) {
    if (e.path?.[0] !== '_entities') continue;
    const list = byEntity.get(e.path[1]);
    if (list) list.push(e);
    else byEntity.set(e.path[1], [e]);
  }
  return entities.map((entity: unknown, i): EntityAnswer => {
    // Request-level answers (e.g. a refusal for this user) apply to every patient in the request.
    const own = [...requestLevel, ...(byEntity.get(i) ?? [])];
    const failure = own.find((e) => !isClientSide(e));
    if (failure) return { kind: 'failed', detail: codeOf(failure) ?? failure.message };
    if (entity === null || typeof entity !== 'object') {
      // A null with no reason given would look like a live, empty answer: treat it as the supplier failing.
      return own.length > 0
        ? { kind: 'refused', errors: own }
        : { kind: 'failed', detail: 'entity missing without an error' };
    }
    const theirs = (entity as Record<string, unknown>)[IDENTITY_KEY];
    if (theirs !== asked[i]) {
      throw new SupplierFailure(
        'IDENTITY_MISMATCH',
        `entity ${i} is for a different NHS number than the one requested`,
      );
    }
    return { kind: 'entity', entity: entity as Record<string, unknown>, errors: own };
  });
}

/**
 * The answers, when no patient's answer is a failure. Otherwise throws SUPPLIER_ERROR (which the breaker
 * counts), carrying the answers that did arrive so they can still be shown.
 */
export function requireAnswered(answers: readonly EntityAnswer[]): readonly EntityAnswer[] {
  const failed = answers.find((a) => a.kind === 'failed');
  if (failed?.kind !== 'failed') return answers;
  const answered = new Map<number, EntityAnswer>();
  answers.forEach((a, i) => a.kind !== 'failed' && answered.set(i, a));
  throw new SupplierFailure('SUPPLIER_ERROR', failed.detail, answered);
}

/**
 * The GraphQL body of a 200, or of a 4xx whose errors are all client-side answers; undefined for every other
 * status (5xx, 429, other 4xx, redirects), which is an HTTP failure.
 */
function parseBodyOrStatus(response: SupplierResponse): GraphQLBody | undefined {
  if (response.status === 200) return parseBody(response);
  if (response.status < 400 || response.status >= 500 || response.status === 429) return undefined;
  try {
    const body = parseBody(response);
    // A 4xx is only an answer about the patient or user when every error says so.
    return body.errors?.length && body.errors.every(isClientSide) ? body : undefined;
  } catch {
    return undefined;
  }
}
