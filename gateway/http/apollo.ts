import type { ApolloGateway } from '@apollo/gateway';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { GraphQLFormattedError } from 'graphql';
import type { Logger } from '../../lib/logger.js';
import { availabilityPlugin } from '../availability/index.js';
import type { GatewayContext } from '../context.js';
import type { GatewayConfig } from '../config/index.js';

export interface ApolloServerParts {
  readonly gateway: ApolloGateway;
  readonly config: GatewayConfig;
  readonly logger: Logger;
  readonly plugins?: readonly ApolloServerPlugin<GatewayContext>[];
}

/**
 * Rejections by the complexity limits: graphql-armor's validation rules ("<what> limit of N exceeded") and
 * graphql-js's own token limit at parse time ("Document contains more that N tokens").
 */
const LIMIT_REJECTION = /^Syntax Error: (.* limit of \d+ exceeded|Document contains more that \d+ tokens)/;
const LIMITED_CODES = new Set(['GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED']);

/**
 * What clients may see of an error: documented codes pass as they are; a query rejected by the complexity
 * limits becomes QUERY_TOO_COMPLEX; anything without a documented meaning is logged and replaced by a
 * generic INTERNAL_SERVER_ERROR, so no internal detail (URLs, stack traces) reaches a client.
 */
export function errorFormatter(logger: Logger, exposeDetail: boolean) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const code = formatted.extensions?.code;
    if (LIMITED_CODES.has(String(code)) && LIMIT_REJECTION.test(formatted.message)) {
      return {
        message: formatted.message.replace('Syntax Error: ', ''),
        extensions: { code: 'QUERY_TOO_COMPLEX' },
      };
    }
    if (code !== undefined && code !== 'INTERNAL_SERVER_ERROR' && code !== 'DOWNSTREAM_SERVICE_ERROR') {
      // A documented code is an answer, not a bug: a stack trace would only be noise, even in development.
      if (!formatted.extensions?.stacktrace) return formatted;
      const { stacktrace: _, ...extensions } = formatted.extensions;
      return { ...formatted, extensions };
    }
    logger.error({ err: error, path: formatted.path }, 'internal error while answering a query');
    if (exposeDetail) return formatted;
    return {
      message: 'internal error',
      ...(formatted.path ? { path: formatted.path } : {}),
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    };
  };
}

export function createApolloServer(parts: ApolloServerParts): ApolloServer<GatewayContext> {
  const { config, logger } = parts;
  const armor = new ApolloArmor({
    maxDepth: { n: config.limits.maxDepth },
    maxAliases: { n: config.limits.maxAliases },
    // Armor's token limit re-parses in a plugin and turns every syntax error into HTTP 500; graphql-js
    // enforces the same limit while parsing (parseOptions below), which keeps syntax errors at 400.
    maxTokens: { enabled: false },
    maxDirectives: { n: 20 },
    costLimit: { maxCost: 5_000 },
    blockFieldSuggestion: { enabled: config.mode === 'production' },
  }).protect();
  const development = config.mode === 'development';
  return new ApolloServer<GatewayContext>({
    gateway: parts.gateway,
    logger,
    includeStacktraceInErrorResponses: development,
    introspection: config.mode !== 'production',
    csrfPrevention: true,
    parseOptions: { maxTokens: config.limits.maxTokens },
    validationRules: armor.validationRules,
    formatError: errorFormatter(logger, development),
    // graphql-armor's typings point at Apollo Server's CommonJS build; the objects are the same at run time.
    plugins: [
      ...(armor.plugins as unknown as ApolloServerPlugin<GatewayContext>[]),
      availabilityPlugin(),
      ApolloServerPluginLandingPageDisabled(),
      // Clinical answers are never HTTP-cacheable (Apollo Server sends no-store); computing a cache policy
      // for every response would be work for nothing.
      ApolloServerPluginCacheControlDisabled(),
      ...(parts.plugins ?? []),
    ],
  });
}
