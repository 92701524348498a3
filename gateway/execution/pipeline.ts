import { executeQueryPlan } from '@apollo/gateway';
import {
  HeaderMap,
  type ApolloServerPlugin,
  type GraphQLRequestContext,
  type GraphQLRequestListener,
  type HTTPGraphQLRequest,
  type HTTPGraphQLResponse,
} from '@apollo/server';
import type { GatewayGraphQLRequestContext } from '@apollo/server-gateway-interface';
import type { ExecutionResult } from 'graphql';
import type { Logger } from '../../lib/logger.js';
import type { GatewayContext } from '../context.js';
import { asGraphQLError, formatErrors, type FormatError } from './errors.js';
import { variablesCoerce } from './variables.js';
import { preparedKey, type ExecutionSchemas, type PreparedOperation, type PreparedRun } from './prepared.js';

/** Where prepared operations are found: the supergraph generations (gateway/supergraph/). */
export interface PreparedSource {
  prepared(key: string): PreparedRun | undefined;
}

/** The parts of a request body the prepared path has checked, as Apollo Server reads them. */
interface CheckedRequest {
  readonly query: string;
  readonly operationName?: string;
  readonly variables?: Record<string, unknown>;
}

export interface PreparedPathOptions {
  readonly source: PreparedSource;
  /** The very plugins Apollo Server runs (audit, availability, usage, spans, armor). */
  readonly plugins: readonly ApolloServerPlugin<GatewayContext>[];
  /** The very error formatter Apollo Server uses. */
  readonly formatError: FormatError;
  readonly logger: Logger;
  /** As given to ApolloGateway: what Apollo's spans may record. */
  readonly telemetry: { readonly includeDocument: boolean; readonly recordExceptions: boolean };
}

/** Plugin hooks Apollo Server calls on a request whose document it has already validated, in this order. */
const HOOKS = ['didResolveSource', 'didResolveOperation', 'didEncounterErrors', 'willSendResponse'];

/** What Apollo Server answers for the Accept headers clinical apps send; any other goes its way. */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '': 'application/json; charset=utf-8',
  '*/*': 'application/json; charset=utf-8',
  'application/json': 'application/json; charset=utf-8',
  'application/graphql-response+json': 'application/graphql-response+json; charset=utf-8',
};

type Listener = GraphQLRequestListener<GatewayContext>;
type RequestContext = GraphQLRequestContext<GatewayContext>;
const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

type Hook = 'didResolveSource' | 'didResolveOperation' | 'didEncounterErrors' | 'willSendResponse';

/** Calls `hook` on the listeners that have it and waits for them all, as Apollo Server does; none, no wait. */
async function invoke(listeners: readonly Listener[], hook: Hook, requestContext: RequestContext) {
  const having = listeners.filter((l) => l[hook] !== undefined);
  if (having.length > 0) await Promise.all(having.map(async (l) => l[hook]?.(requestContext as never)));
}

/**
 * The hot path: runs an operation a request before it prepared (parsed, validated and planned on the
 * supergraph in service) straight through the gateway's `executeQueryPlan`, with the same plugins and
 * error formatter as Apollo Server, so the response is the one Apollo Server would give, minus the work
 * that depends only on the document. Anything it is not sure of it declines (returns undefined) before
 * any side effect, and the request takes Apollo Server's path: a document not yet prepared, a request
 * shape Apollo Server would refuse or answer differently, variables that do not coerce, an Accept header
 * outside the common four, or a plugin hook it does not run.
 */
export class PreparedPath {
  private disabled = false;

  constructor(private readonly options: PreparedPathOptions) {}

  async serve(
    http: HTTPGraphQLRequest,
    contextValue: GatewayContext,
  ): Promise<HTTPGraphQLResponse | undefined> {
    if (this.disabled || !isRecord(http.body)) return undefined;
    const { query, operationName, variables, extensions } = http.body;
    if (typeof query !== 'string' || extensions !== undefined) return undefined;
    if (operationName != null && typeof operationName !== 'string') return undefined;
    if (variables != null && !isRecord(variables)) return undefined;
    const contentType = CONTENT_TYPES[http.headers.get('accept') ?? ''];
    // Outside production the gateway's own executor answers this header with the query plan.
    if (!contentType || http.headers.get('apollo-query-plan-experimental') !== undefined) return undefined;
    const requestedName = typeof operationName === 'string' ? operationName : null;
    const run = this.options.source.prepared(preparedKey(query, requestedName));
    // The key is unambiguous; comparing what it stands for as well costs nothing and proves it.
    if (!run || run.operation.source !== query || run.operation.requestedName !== requestedName)
      return undefined;
    // Counted in flight on its generation from here, so a swap cannot stop the gateway under it.
    const request: CheckedRequest = {
      query,
      operationName: requestedName ?? undefined,
      variables: variables ?? undefined,
    };
    return run.run(() => this.answer(http, request, contextValue, run, contentType));
  }

  private async answer(
    http: HTTPGraphQLRequest,
    request: CheckedRequest,
    contextValue: GatewayContext,
    run: PreparedRun,
    contentType: string,
  ): Promise<HTTPGraphQLResponse | undefined> {
    const { operation: prepared, schemas } = run;
    const definitions = prepared.operation.variableDefinitions ?? [];
    // What the gateway's executor checks: values it would refuse are refused by Apollo Server's path.
    if (
      definitions.length > 0 &&
      !variablesCoerce(prepared.operationContext.schema, definitions, request.variables ?? {})
    )
      return undefined;
    const requestContext = this.requestContext(http, contextValue, prepared, schemas, request);
    const listeners = await this.listeners(requestContext);
    if (!listeners) return undefined;
    try {
      for (const hook of ['didResolveSource', 'didResolveOperation'] as const)
        await invoke(listeners, hook, requestContext);
    } catch (error) {
      return this.failed(requestContext, listeners, error, contentType);
    }
    let result: ExecutionResult;
    try {
      result = await executeQueryPlan(
        prepared.queryPlan,
        prepared.serviceMap,
        requestContext as unknown as GatewayGraphQLRequestContext,
        prepared.operationContext,
        schemas.supergraphSchema,
        schemas.apiSchema,
        this.options.telemetry,
      );
    } catch (error) {
      return this.failed(requestContext, listeners, error, contentType);
    }
    const formatted = result.errors
      ? await this.encountered(requestContext, listeners, result.errors)
      : undefined;
    // As Apollo Server 5: errors and no data at all (not even null), and no status asked for, is a 400.
    const head = requestContext.response.http;
    if (result.errors?.length && result.data === undefined && head.status === undefined) head.status = 400;
    requestContext.response.body = {
      kind: 'single',
      singleResult: { ...result, errors: formatted },
    };
    return this.send(requestContext, listeners, contentType);
  }

  /** Apollo Server's request context, as its plugins and the gateway's executor read it. */
  private requestContext(
    http: HTTPGraphQLRequest,
    contextValue: GatewayContext,
    prepared: PreparedOperation,
    schemas: ExecutionSchemas,
    request: CheckedRequest,
  ): RequestContext {
    return {
      logger: this.options.logger,
      cache: undefined,
      schema: schemas.schema,
      request: { ...request, extensions: undefined, http },
      response: { http: { status: undefined, headers: new HeaderMap() }, body: undefined },
      contextValue,
      // The gateway's executor reads the incoming context under this name.
      context: contextValue,
      metrics: {},
      overallCachePolicy: undefined,
      requestIsBatched: false,
      source: request.query,
      queryHash: undefined,
      document: prepared.document,
      operation: prepared.operation,
      operationName: prepared.operation.name?.value || null,
    } as unknown as RequestContext;
  }

  /** The plugins' listeners for this request; undefined (and the path off) if one uses a hook not run here. */
  private async listeners(requestContext: RequestContext): Promise<Listener[] | undefined> {
    const started = await Promise.all(
      this.options.plugins.map(async (p) => p.requestDidStart?.(requestContext)),
    );
    const listeners = started.filter((l): l is Listener => l !== undefined && l !== null);
    const foreign = listeners.flatMap((l) => Object.keys(l).filter((hook) => !HOOKS.includes(hook)));
    if (foreign.length === 0) return listeners;
    this.disabled = true;
    this.options.logger.warn(
      { hooks: foreign },
      'prepared-operation path turned off: a plugin uses a hook it does not run; every request takes Apollo Server',
    );
    return undefined;
  }

  private async encountered(
    requestContext: RequestContext,
    listeners: Listener[],
    errors: readonly unknown[],
  ) {
    (requestContext as { errors?: readonly unknown[] }).errors = errors;
    await invoke(listeners, 'didEncounterErrors', requestContext);
    const formatted = formatErrors(errors, this.options.formatError);
    const head = requestContext.response.http;
    if (formatted.status) head.status = formatted.status;
    for (const [name, value] of formatted.headers) head.headers.set(name, value);
    return formatted.errors;
  }

  /** A hook or the execution threw: Apollo Server answers the error alone, 500 unless it says otherwise. */
  private async failed(
    requestContext: RequestContext,
    listeners: Listener[],
    error: unknown,
    contentType: string,
  ): Promise<HTTPGraphQLResponse> {
    const errors = await this.encountered(requestContext, listeners, [asGraphQLError(error)]);
    requestContext.response.body = { kind: 'single', singleResult: { errors } };
    requestContext.response.http.status ??= 500;
    return this.send(requestContext, listeners, contentType);
  }

  private async send(
    requestContext: RequestContext,
    listeners: Listener[],
    contentType: string,
  ): Promise<HTTPGraphQLResponse> {
    await invoke(listeners, 'willSendResponse', requestContext);
    const { http, body } = requestContext.response;
    const result = body?.kind === 'single' ? body.singleResult : {};
    if (!http.headers.get('content-type')) http.headers.set('content-type', contentType);
    const string = `${JSON.stringify({ errors: result.errors, data: result.data, extensions: result.extensions })}\n`;
    return { status: http.status, headers: http.headers, body: { kind: 'complete', string } };
  }
}
