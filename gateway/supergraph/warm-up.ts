import type { GraphQLDataSource } from '@apollo/gateway';
import type { GatewayExecutor, GatewayGraphQLRequestContext } from '@apollo/server-gateway-interface';
import {
  getNullableType,
  getOperationAST,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
  OperationTypeNode,
  parse,
  typeFromAST,
  validate,
  type GraphQLInputType,
  type GraphQLSchema,
} from 'graphql';
import { createHash } from 'node:crypto';
import type { Logger } from '../../lib/logger.js';

/** An operation clients sent, as the usage store keeps it: exact text, so its plan is cached under the key real requests use. */
export interface WarmableOperation {
  readonly text: string;
  readonly operationName: string | null;
}

/**
 * The context of a warm-up run. Data sources wrapped by `guardWarmUp` answer it with nothing, so planning
 * an operation never reaches the patient index's source or a supplier.
 */
export const WARM_UP_CONTEXT: Readonly<Record<string, unknown>> = Object.freeze({ warmUp: true });

/** Wraps a data source so a warm-up run gets no data from it (and causes no call, audit or metric). */
export function guardWarmUp<T extends GraphQLDataSource>(source: T): GraphQLDataSource {
  return {
    process: (options) =>
      'context' in options && options.context === WARM_UP_CONTEXT
        ? Promise.resolve({ data: null })
        : source.process(options),
  };
}

// A sample that parses for each scalar the contract declares; anything else tries the common ones.
const SCALAR_SAMPLES: readonly unknown[] = [
  '9990707308',
  '2026-01-01T00:00:00Z',
  '2026-01-01',
  '0',
  0,
  false,
];

/** A value of `type` that passes variable coercion, or undefined when none could be made (then it is not warmed). */
function sampleValue(type: GraphQLInputType): unknown {
  if (!isNonNullType(type)) return null;
  const inner = getNullableType(type);
  if (isListType(inner)) return [];
  if (isEnumType(inner)) return inner.getValues()[0]?.name;
  if (isInputObjectType(inner)) {
    const value: Record<string, unknown> = {};
    for (const field of Object.values(inner.getFields())) {
      if (isNonNullType(field.type)) value[field.name] = sampleValue(field.type);
    }
    return value;
  }
  if (isScalarType(inner)) {
    return SCALAR_SAMPLES.find((sample) => {
      try {
        return inner.parseValue(sample) !== undefined;
      } catch {
        return false;
      }
    });
  }
  return undefined;
}

/**
 * Plans each operation on a new supergraph before it takes traffic, through the generation's own executor
 * (so the plan lands in its cache under the key a real request computes: the text's sha256, with the
 * operation name). Operations the new schema no longer validates are skipped. Returns how many were planned.
 */
export async function warmPlans(
  executor: GatewayExecutor,
  schema: GraphQLSchema,
  operations: readonly WarmableOperation[],
  logger: Logger,
): Promise<number> {
  let warmed = 0;
  for (const op of operations) {
    let document;
    try {
      document = parse(op.text);
    } catch {
      continue;
    }
    if (validate(schema, document).length > 0) continue;
    const operation = getOperationAST(document, op.operationName);
    if (!operation || operation.operation !== OperationTypeNode.QUERY) continue;
    const variables: Record<string, unknown> = {};
    for (const definition of operation.variableDefinitions ?? []) {
      const type = typeFromAST(schema, definition.type) as GraphQLInputType | undefined;
      if (type && isNonNullType(type)) variables[definition.variable.name.value] = sampleValue(type);
    }
    // Variable values are checked before planning: one that could not be made means no plan.
    if (Object.values(variables).includes(undefined)) continue;
    const context = {
      request: {
        query: op.text,
        variables,
        ...(op.operationName ? { operationName: op.operationName } : {}),
      },
      logger,
      schema,
      schemaHash: '',
      context: WARM_UP_CONTEXT,
      queryHash: createHash('sha256').update(op.text).digest('hex'),
      document,
      source: op.text,
      operationName: op.operationName,
      operation,
      metrics: {},
      overallCachePolicy: {},
    } as unknown as GatewayGraphQLRequestContext;
    try {
      await executor(context);
      warmed++;
    } catch (error) {
      logger.warn({ err: (error as Error).message }, 'supergraph: could not plan a recorded operation');
    }
  }
  return warmed;
}
