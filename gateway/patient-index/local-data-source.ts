import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { execute, parse, type DocumentNode, type GraphQLSchema } from 'graphql';
import { LRUCache } from 'lru-cache';
import type { GatewayContext } from '../context.js';

/**
 * Runs the gateway's subgraph operations against a schema in this process: no HTTP hop, no socket to
 * fail. The query planner generates these operations from the composed supergraph, so they are already
 * valid; only a document is needed (the planner usually passes it; otherwise it is parsed once and kept).
 */
export class LocalDataSource implements GraphQLDataSource<GatewayContext> {
  private readonly documents = new LRUCache<string, DocumentNode>({ max: 500 });

  constructor(private readonly schema: GraphQLSchema) {}

  async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<GatewayGraphQLResponse> {
    const { request } = options;
    const source = request.query ?? '';
    let document = 'document' in options ? options.document : undefined;
    if (!document) {
      document = this.documents.get(source);
      if (!document) this.documents.set(source, (document = parse(source)));
    }
    const result = await execute({
      schema: this.schema,
      document,
      variableValues: request.variables,
      operationName: request.operationName,
      contextValue: options.context,
    });
    return result;
  }
}
