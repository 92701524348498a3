import type { ApolloGateway, Experimental_DidResolveQueryPlanCallback } from '@apollo/gateway';
import { Supergraph } from '@apollo/federation-internals';
import type {
  GatewayExecutor,
  GatewayInterface,
  GatewayLoadResult,
  GatewaySchemaLoadOrUpdateCallback,
} from '@apollo/server-gateway-interface';
import type { GraphQLSchema } from 'graphql';
import { createHash } from 'node:crypto';
import type { Logger } from '../../lib/logger.js';
import { PreparedOperations, type ExecutionSchemas, type PreparedRun } from '../execution/prepared.js';
import { warmPlans, WARM_UP_CONTEXT, type WarmableOperation } from './warm-up.js';

/** One supergraph in service: its own @apollo/gateway, API schema, planner and plan cache, never changed. */
interface Generation {
  readonly number: number;
  /** sha256 of the supergraph SDL. */
  readonly hash: string;
  readonly gateway: ApolloGateway;
  readonly schema: GraphQLSchema;
  readonly coreSupergraphSdl: string;
  readonly executor: GatewayExecutor;
  readonly since: number;
  readonly warmed: number;
  /** Operations real requests ran on this supergraph, ready to run again without re-planning. */
  readonly prepared: PreparedOperations;
  readonly schemas: ExecutionSchemas;
  inFlight: number;
}

/** What the ops console shows of the supergraph in service. */
export interface GenerationView {
  readonly generation: number;
  readonly hash: string;
  readonly since: string;
  /** Query plans made for recorded operations before it took traffic. */
  readonly plansWarmed: number;
  /** Requests still running on earlier supergraphs. */
  readonly draining: number;
}

/** A supergraph to serve, with the contract of each record domain in it (their data sources depend on it). */
export interface SupergraphSpec {
  readonly sdl: string;
  readonly domainSdl: ReadonlyMap<string, string>;
}

export interface GenerationParts {
  /**
   * A fresh gateway for a supergraph (the composition root supplies data sources), which must call
   * `didResolveQueryPlan` (ApolloGateway's `experimental_didResolveQueryPlan`) for every request it plans.
   */
  readonly build: (
    supergraph: SupergraphSpec,
    didResolveQueryPlan: Experimental_DidResolveQueryPlanCallback,
  ) => ApolloGateway;
  /** The operations to plan before a new supergraph takes traffic. */
  readonly operations: () => Promise<readonly WarmableOperation[]>;
  readonly logger: Logger;
  readonly now: () => number;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * The gateway Apollo Server talks to, serving supergraphs one generation after another. A new supergraph
 * gets its own @apollo/gateway, loaded and with its query plans warmed, before Apollo Server is told of
 * it; a request runs on the generation whose schema it was validated against, so a request in flight
 * finishes on the schema it started with. Updating one @apollo/gateway in place (SupergraphManager's
 * `update`) would clear its plan cache at the moment of the swap, and its executor reads the live schema,
 * planner and data sources after an await, so a request could plan on one supergraph and run on another.
 */
export class SupergraphGenerations implements GatewayInterface {
  private current: Generation | undefined;
  private readonly bySchema = new WeakMap<GraphQLSchema, Generation>();
  private readonly retired = new Set<Generation>();
  private readonly listeners = new Set<GatewaySchemaLoadOrUpdateCallback>();
  private swapping: Promise<unknown> = Promise.resolve();
  private generationCount = 0;

  constructor(
    private readonly initial: SupergraphSpec,
    private readonly parts: GenerationParts,
  ) {}

  async load(): Promise<GatewayLoadResult> {
    this.current = await this.start(this.initial, false);
    this.announce(this.current);
    return { executor: this.execute };
  }

  onSchemaLoadOrUpdate(callback: GatewaySchemaLoadOrUpdateCallback): () => void {
    this.listeners.add(callback);
    return () => this.listeners.delete(callback);
  }

  /** The supergraph in service now. */
  get supergraphSdl(): string | undefined {
    return this.current?.coreSupergraphSdl;
  }

  view(): GenerationView | undefined {
    const c = this.current;
    if (!c) return undefined;
    let draining = 0;
    for (const g of this.retired) draining += g.inFlight;
    return {
      generation: c.number,
      hash: c.hash,
      since: new Date(c.since).toISOString(),
      plansWarmed: c.warmed,
      draining,
    };
  }

  /**
   * Puts a new supergraph in service: loads it in a new gateway, plans the recorded operations on it, then
   * tells Apollo Server. Swaps run one at a time; the same supergraph again changes nothing. Throws (and
   * changes nothing) when the supergraph does not load.
   */
  swap(supergraph: SupergraphSpec): Promise<GenerationView> {
    const next = this.swapping.then(async () => {
      if (!this.current) throw new Error('the gateway has not loaded yet');
      if (sha256(supergraph.sdl) === this.current.hash) return this.view()!;
      const generation = await this.start(supergraph, true);
      const previous = this.current;
      this.current = generation;
      this.announce(generation);
      this.retire(previous);
      return this.view()!;
    });
    this.swapping = next.catch(() => undefined);
    return next;
  }

  async stop(): Promise<void> {
    await this.swapping;
    const all = [...this.retired, ...(this.current ? [this.current] : [])];
    await Promise.all(all.map((g) => g.gateway.stop()));
  }

  /**
   * The operation a request names (by `preparedKey`), when a request before it prepared it on the
   * supergraph in service now; undefined otherwise (the request then takes Apollo Server's path).
   */
  prepared(key: string): PreparedRun | undefined {
    const generation = this.current;
    const operation = generation?.prepared.get(key);
    if (!generation || !operation) return undefined;
    return {
      operation,
      schemas: generation.schemas,
      run: (work) => this.within(generation, work),
    };
  }

  /** Runs a request on the generation that validated it (the current one if none is known). */
  private readonly execute: GatewayExecutor = (requestContext) => {
    const generation = this.bySchema.get(requestContext.schema) ?? this.current!;
    return this.within(generation, () => generation.executor(requestContext));
  };

  private async within<T>(generation: Generation, work: () => Promise<T>): Promise<T> {
    generation.inFlight++;
    try {
      return await work();
    } finally {
      generation.inFlight--;
      if (generation.inFlight === 0 && this.retired.has(generation)) this.stopRetired(generation);
    }
  }

  private async start(supergraph: SupergraphSpec, warm: boolean): Promise<Generation> {
    const prepared = new PreparedOperations();
    // Only a client's request prepares an operation: it passed Apollo Server's parsing and every
    // validation rule on this schema. A warm-up plans without those rules.
    const gateway = this.parts.build(
      supergraph,
      ({ queryPlan, serviceMap, operationContext, requestContext }) => {
        if (requestContext.context === WARM_UP_CONTEXT || !requestContext.document) return;
        prepared.remember({
          source: requestContext.source ?? '',
          requestedName: requestContext.request.operationName ?? null,
          document: requestContext.document,
          operation: operationContext.operation,
          operationContext,
          queryPlan,
          serviceMap,
        });
      },
    );
    let loaded: { apiSchema: GraphQLSchema; coreSupergraphSdl: string } | undefined;
    const unsubscribe = gateway.onSchemaLoadOrUpdate((s) => (loaded = s));
    const { executor } = await gateway.load();
    unsubscribe();
    if (!loaded || !executor) throw new Error('the supergraph did not load');
    const operations = warm ? await this.parts.operations() : [];
    const warmed = await warmPlans(executor, loaded.apiSchema, operations, this.parts.logger);
    // The same model of the supergraph the gateway built for itself, for running prepared plans.
    const model = Supergraph.build(loaded.coreSupergraphSdl);
    const generation: Generation = {
      number: ++this.generationCount,
      hash: sha256(supergraph.sdl),
      gateway,
      schema: loaded.apiSchema,
      coreSupergraphSdl: loaded.coreSupergraphSdl,
      executor,
      since: this.parts.now(),
      warmed,
      prepared,
      schemas: {
        schema: loaded.apiSchema,
        supergraphSchema: model.schema.toGraphQLJSSchema(),
        apiSchema: model.apiSchema(),
      },
      inFlight: 0,
    };
    this.bySchema.set(generation.schema, generation);
    return generation;
  }

  private announce(generation: Generation): void {
    for (const listener of this.listeners) {
      listener({ apiSchema: generation.schema, coreSupergraphSdl: generation.coreSupergraphSdl });
    }
  }

  private retire(generation: Generation): void {
    this.retired.add(generation);
    if (generation.inFlight === 0) this.stopRetired(generation);
  }

  /**
   * A retired generation with nothing in flight is stopped and forgotten here; a request validated against
   * its schema that reaches the executor later still finds it (the schema maps to it) and still runs.
   */
  private stopRetired(generation: Generation): void {
    this.retired.delete(generation);
    void generation.gateway.stop().catch(() => undefined);
  }
}
