import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse, type GraphQLSchema } from 'graphql';
import { DateScalar, DateTimeScalar } from './scalars.js';
import { subgraphSdl, withContract } from './subgraphs.js';

/**
 * Builds a subgraph's executable schema from its SDL (contract types included) and resolvers. The
 * contract's scalars are added here so no subgraph can forget or vary them.
 */
export function buildSubgraph(
  name: string,
  resolvers: Record<string, unknown>,
  /** The subgraph's own SDL when it is not the committed one (a next contract version). */
  ownSdl?: string,
): GraphQLSchema {
  return buildSubgraphSchema({
    typeDefs: parse(ownSdl === undefined ? subgraphSdl(name) : withContract(ownSdl)),
    resolvers: { Date: DateScalar, DateTime: DateTimeScalar, ...resolvers },
  });
}
