import type { GraphQLFormattedError } from 'graphql';
import type { Logger } from '../../lib/logger.js';
import { redact } from '../../lib/redact.js';
import { isErrorCode } from './codes.js';

/**
 * Rejections by the complexity limits: graphql-armor's validation rules ("<what> limit of N exceeded") and
 * graphql-js's own token limit at parse time ("Document contains more that N tokens").
 */
const LIMIT_REJECTION = /^Syntax Error: (.* limit of \d+ exceeded|Document contains more that \d+ tokens)/;
const LIMITED_CODES = new Set(['GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED']);

/** The only extension keys a client sees: each is documented in docs/errors.md. */
const EXTENSION_KEYS = [
  'problem',
  'reason',
  'serviceName',
  'supplier',
  'domain',
  'organisations',
  'fields',
  'fallback',
];

/**
 * What clients may see of an error: a closed contract. Only the codes of gateway/errors/codes.ts pass,
 * with only the documented extension keys and with NHS numbers and secrets taken out of the message; a
 * query rejected by the complexity limits becomes QUERY_TOO_COMPLEX; anything else (a bug, an undocumented
 * code from a library) is logged and becomes INTERNAL_SERVER_ERROR. Stack traces are never returned: they
 * are in the log, with the request id. `exposeDetail` (development) keeps an internal error's message.
 */
export function clientErrorFormatter(logger: Logger, exposeDetail: boolean) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const code = formatted.extensions?.code;
    if (LIMITED_CODES.has(String(code)) && LIMIT_REJECTION.test(formatted.message)) {
      return {
        message: formatted.message.replace('Syntax Error: ', ''),
        extensions: { code: 'QUERY_TOO_COMPLEX' },
      };
    }
    if (isErrorCode(code) && code !== 'INTERNAL_SERVER_ERROR') {
      const extensions: Record<string, unknown> = { code };
      for (const key of EXTENSION_KEYS) {
        if (formatted.extensions?.[key] !== undefined) extensions[key] = formatted.extensions[key];
      }
      return {
        message: redact(formatted.message),
        ...(formatted.locations ? { locations: formatted.locations } : {}),
        ...(formatted.path ? { path: formatted.path } : {}),
        extensions,
      };
    }
    logger.error({ err: error, path: formatted.path, code }, 'internal error while answering a query');
    return {
      message: exposeDetail ? redact(formatted.message) : 'internal error',
      ...(formatted.path ? { path: formatted.path } : {}),
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    };
  };
}
