import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse, type GraphQLSchema } from 'graphql';
import { DateScalar, DateTimeScalar } from './scalars.js';
import { subgraphSdl } from './subgraphs.js';

/**
 * Builds a subgraph's executable schema from its SDL (contract types included) and resolvers. The
 * contract's scalars are added here so no subgraph can forget or vary them.
 */
export function buildSubgraph(name: string, resolvers: Record<string, unknown>): GraphQLSchema {
  return buildSubgraphSchema({
    typeDefs: parse(subgraphSdl(name)),
    resolvers: { Date: DateScalar, DateTime: DateTimeScalar, ...resolvers },
  });
}
