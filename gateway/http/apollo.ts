import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import type { GatewayInterface } from '@apollo/server-gateway-interface';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { Logger } from '../../lib/logger.js';
import { availabilityPlugin } from '../availability/index.js';
import type { GatewayContext } from '../context.js';
import type { GatewayConfig } from '../config/index.js';
import { clientErrorFormatter } from '../errors/index.js';
import type { FormatError } from '../execution/index.js';
import { reservedAliasesRule } from '../limits/index.js';
import { requestSpanPlugin } from './tracing.js';

export interface ApolloServerParts {
  readonly gateway: GatewayInterface;
  readonly config: GatewayConfig;
  readonly logger: Logger;
  readonly plugins?: readonly ApolloServerPlugin<GatewayContext>[];
}

/** Apollo Server, and the plugins and error formatter it runs (the prepared path runs the same ones). */
export interface ApolloPipeline {
  readonly server: ApolloServer<GatewayContext>;
  readonly plugins: readonly ApolloServerPlugin<GatewayContext>[];
  readonly formatError: FormatError;
}

export function createApolloServer(parts: ApolloServerParts): ApolloPipeline {
  const { config, logger } = parts;
  const armor = new ApolloArmor({
    maxDepth: { n: config.limits.maxDepth },
    maxAliases: { n: config.limits.maxAliases },
    // Armor's token limit re-parses in a plugin and turns every syntax error into HTTP 500; graphql-js
    // enforces the same limit while parsing (parseOptions below), which keeps syntax errors at 400.
    maxTokens: { enabled: false },
    maxDirectives: { n: 20 },
    // Cost is counted by the request budget (limits/) before parsing reaches Apollo, with patients and
    // duplicated fields weighed; armor's own estimate would only be a second, weaker opinion.
    costLimit: { enabled: false },
    blockFieldSuggestion: { enabled: config.mode === 'production' },
  }).protect();
  const development = config.mode === 'development';
  const formatError = clientErrorFormatter(logger, development);
  // graphql-armor's typings point at Apollo Server's CommonJS build; the objects are the same at run time.
  const plugins: ApolloServerPlugin<GatewayContext>[] = [
    ...(armor.plugins as unknown as ApolloServerPlugin<GatewayContext>[]),
    availabilityPlugin(),
    // Its span is the clinical request's, which exists only with tracing on.
    ...(config.tracing.enabled ? [requestSpanPlugin()] : []),
    ApolloServerPluginLandingPageDisabled(),
    // Clinical answers are never HTTP-cacheable (Apollo Server sends no-store); computing a cache policy
    // for every response would be work for nothing.
    ApolloServerPluginCacheControlDisabled(),
    ...(parts.plugins ?? []),
  ];
  const server = new ApolloServer<GatewayContext>({
    gateway: parts.gateway,
    logger,
    // Stack traces go to the log (with the request id), never to a client, in any mode.
    includeStacktraceInErrorResponses: false,
    introspection: config.mode !== 'production',
    csrfPrevention: true,
    // Queries arrive as text: a hash-only request would bypass the request budget, which reads the text.
    persistedQueries: false,
    // The process's own drain (gateway/main.ts) owns SIGTERM; Apollo's default would stop the server and
    // re-raise the signal, killing the process before requests in flight finish.
    stopOnTerminationSignals: false,
    parseOptions: { maxTokens: config.limits.maxTokens },
    validationRules: [...armor.validationRules, reservedAliasesRule],
    formatError,
    plugins,
  });
  return { server, plugins, formatError };
}
