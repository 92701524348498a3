import { HeaderMap } from '@apollo/server';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';

export type FormatError = (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;

/** What the errors of a response come to: their client form, and any status or headers they asked for. */
export interface FormattedErrors {
  readonly errors: GraphQLFormattedError[];
  readonly status?: number;
  readonly headers: HeaderMap;
}

/** As Apollo Server turns anything thrown into a GraphQLError. */
export const asGraphQLError = (value: unknown): GraphQLError => {
  const error = value instanceof Error ? value : new GraphQLError(`Unexpected error value: ${String(value)}`);
  return error instanceof GraphQLError ? error : new GraphQLError(error.message, { originalError: error });
};

function isHttpHead(value: unknown): value is { status?: number; headers?: Map<string, string> } {
  if (typeof value !== 'object' || value === null) return false;
  const head = value as { status?: unknown; headers?: unknown };
  return (
    (!('status' in head) || typeof head.status === 'number') &&
    (!('headers' in head) || head.headers instanceof Map)
  );
}

/**
 * Errors in the form Apollo Server 5 gives them to clients, so that a response is the same whichever
 * path produced it (the differential test holds the two together): each error becomes a GraphQLError,
 * its code defaults to INTERNAL_SERVER_ERROR, an `extensions.http` it carries moves to the response's
 * status and headers, then `formatError` has the last word. An error that `formatError` itself throws on
 * becomes a bare INTERNAL_SERVER_ERROR. Stack traces never appear (the gateway never sends them).
 */
export function formatErrors(errors: readonly unknown[], formatError: FormatError): FormattedErrors {
  const headers = new HeaderMap();
  let status: number | undefined;
  const formatted = errors.map((original) => {
    try {
      const error = asGraphQLError(original);
      const extensions: Record<string, unknown> = {
        ...error.extensions,
        code: error.extensions.code ?? 'INTERNAL_SERVER_ERROR',
      };
      if (isHttpHead(extensions.http)) {
        if (extensions.http.status) status = extensions.http.status;
        for (const [name, value] of extensions.http.headers ?? []) headers.set(name, value);
        delete extensions.http;
      }
      return formatError({ ...error.toJSON(), extensions }, original);
    } catch {
      return { message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } };
    }
  });
  return { errors: formatted, headers, ...(status ? { status } : {}) };
}
