import type { ErrorCodeName } from '../errors/index.js';
import type { BudgetRequest } from '../limits/index.js';

/** A request refused before it reaches GraphQL execution, with its documented code. */
export class RejectedRequest extends Error {
  constructor(
    readonly code: ErrorCodeName,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

/**
 * The GraphQL-over-HTTP request in a JSON body: an object whose `query` is a string. Batches (arrays) and
 * hash-only persisted queries are refused here with their own codes; the types of `variables`,
 * `operationName` and `extensions` are left to Apollo Server, which answers BAD_REQUEST for them.
 */
export function graphqlRequestOf(body: unknown): BudgetRequest {
  if (Array.isArray(body)) throw new RejectedRequest('BAD_REQUEST', 'batched requests are not accepted');
  if (typeof body !== 'object' || body === null) {
    throw new RejectedRequest('BAD_REQUEST', 'the body must be a JSON object with a "query" string');
  }
  const request = body as { query?: unknown; extensions?: { persistedQuery?: unknown } | null };
  if (request.extensions?.persistedQuery !== undefined) {
    throw new RejectedRequest(
      'PERSISTED_QUERY_NOT_SUPPORTED',
      'persisted queries are not accepted: send the query text in "query"',
    );
  }
  if (typeof request.query !== 'string') {
    throw new RejectedRequest('BAD_REQUEST', 'the body must be a JSON object with a "query" string');
  }
  return request as BudgetRequest;
}
