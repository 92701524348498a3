import type { executeQueryPlan, Experimental_DidResolveQueryPlanCallback, ServiceMap } from '@apollo/gateway';
import type { DocumentNode, GraphQLSchema, OperationDefinitionNode } from 'graphql';
import { LRUCache } from 'lru-cache';

type Resolved = Parameters<Experimental_DidResolveQueryPlanCallback>[0];
type OperationContext = Resolved['operationContext'];
type QueryPlan = Resolved['queryPlan'];

/**
 * Everything about an operation that depends only on its text, its operation name and the supergraph:
 * the document Apollo Server parsed and validated, the operation context, the query plan and the data
 * sources the plan's fetches go to. Recorded from a request that went through the whole of Apollo
 * Server's pipeline and reached the gateway's executor (so it parsed, passed every validation rule and
 * was planned) on one supergraph generation, and only ever used on that generation.
 */
export interface PreparedOperation {
  readonly source: string;
  /** The operation name as the client sent it (undefined and null alike mean "the only operation"). */
  readonly requestedName: string | null;
  readonly document: DocumentNode;
  readonly operation: OperationDefinitionNode;
  readonly operationContext: OperationContext;
  readonly queryPlan: QueryPlan;
  readonly serviceMap: ServiceMap;
}

/**
 * How a request names its operation, as a key: name and text, with "no name" distinct from `""`. JSON, so
 * no name and text can be cut differently into the same key (a name ending in a newline and the first
 * line of a text once made one key of two requests; a name is any string a client sends).
 */
export function preparedKey(source: string, operationName: string | null | undefined): string {
  return JSON.stringify([typeof operationName === 'string' ? operationName : null, source]);
}

/**
 * The prepared operations of one supergraph generation, at most `max` of them (least recently used go
 * first). A generation's store is dropped with the generation, so a plan never outlives its schema.
 */
export class PreparedOperations {
  private readonly byKey: LRUCache<string, PreparedOperation>;

  constructor(max = 1_000) {
    this.byKey = new LRUCache({ max });
  }

  get(key: string): PreparedOperation | undefined {
    return this.byKey.get(key);
  }

  /** Keeps the first preparation of a key; later ones for the same key are the same work again. */
  remember(operation: PreparedOperation): void {
    const key = preparedKey(operation.source, operation.requestedName);
    if (!this.byKey.has(key)) this.byKey.set(key, operation);
  }
}

/** The schemas `executeQueryPlan` needs, made once per supergraph generation. */
export interface ExecutionSchemas {
  /** The API schema clients validate against (graphql-js). */
  readonly schema: GraphQLSchema;
  /** The supergraph as graphql-js sees it (used by the gateway to rewrite entity data). */
  readonly supergraphSchema: GraphQLSchema;
  /** The API schema as Apollo Federation's own model (the gateway shapes results with it). */
  readonly apiSchema: Parameters<typeof executeQueryPlan>[5];
}

/** A prepared operation on the supergraph in service, and the means to run it there. */
export interface PreparedRun {
  readonly operation: PreparedOperation;
  readonly schemas: ExecutionSchemas;
  /** Runs `work` counted as in flight on this generation (a retired one is stopped only once idle). */
  run<T>(work: () => Promise<T>): Promise<T>;
}
