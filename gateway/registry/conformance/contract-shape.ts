import { buildSubgraphSchema } from '@apollo/subgraph';
import {
  getNamedType,
  isAbstractType,
  isEnumType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  parse,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLSchema,
} from 'graphql';
import { DateScalar, DateTimeScalar, withContract } from '../../../schema/index.js';

/** A domain contract as a schema the suite can read types from (the contract's own scalars included). */
export function contractSchema(ownSdl: string): GraphQLSchema {
  return subgraphSchema(withContract(ownSdl));
}

/** A subgraph's whole SDL (as `_service { sdl }` returns it) as a schema; throws on SDL that does not build. */
export function subgraphSchema(sdl: string): GraphQLSchema {
  return buildSubgraphSchema({
    typeDefs: parse(sdl),
    resolvers: { Date: DateScalar, DateTime: DateTimeScalar },
  });
}

const MAX_DEPTH = 6;

/** Every field below `type` without required arguments, to `depth` levels: a selection that asks for everything. */
function selectionOf(schema: GraphQLSchema, type: GraphQLNamedType, depth: number): string {
  if (isAbstractType(type)) {
    const parts = schema
      .getPossibleTypes(type)
      .map((t) => `... on ${t.name} ${selectionOf(schema, t, depth)}`);
    return `{ __typename ${parts.join(' ')} }`;
  }
  if (!isObjectType(type)) return '';
  const fields = Object.values(type.getFields())
    .filter((f) => !f.name.startsWith('_') && f.args.every((a) => !isNonNullType(a.type)))
    .flatMap((f) => {
      const named = getNamedType(f.type);
      if (isScalarType(named) || isEnumType(named)) return [f.name];
      if (depth >= MAX_DEPTH) return [];
      return [`${f.name} ${selectionOf(schema, named, depth + 1)}`];
    });
  return `{ ${fields.join(' ')} }`;
}

/** An `_entities` operation asking a supplier for every field its domain's contract gives `Patient`. */
export function fullRecordQuery(schema: GraphQLSchema): string {
  const patient = schema.getType('Patient') as GraphQLObjectType | undefined;
  if (!patient) throw new Error('the contract does not extend Patient');
  return `query Conformance($representations: [_Any!]!) { _entities(representations: $representations) { ... on Patient ${selectionOf(schema, patient, 1)} } }`;
}

/**
 * Where a value breaks its contract type: a null where the contract says non-null, a list that is not one,
 * an enum value it does not declare, a scalar its parser refuses, an object missing a field asked for.
 * Nulls where the contract allows them are fine.
 */
export function shapeProblems(
  type: GraphQLOutputType,
  value: unknown,
  path: string,
  out: string[] = [],
): string[] {
  if (out.length >= 20) return out;
  if (isNonNullType(type)) {
    if (value === null || value === undefined) out.push(`${path} is null, but the contract says it never is`);
    else shapeProblems(type.ofType, value, path, out);
    return out;
  }
  if (value === null || value === undefined) return out;
  if (isListType(type)) {
    if (!Array.isArray(value)) out.push(`${path} is not a list`);
    else value.forEach((item, i) => shapeProblems(type.ofType, item, `${path}[${i}]`, out));
    return out;
  }
  if (isEnumType(type)) {
    if (typeof value !== 'string' || !type.getValue(value)) {
      out.push(`${path} is ${JSON.stringify(value)}, not a value of ${type.name}`);
    }
    return out;
  }
  if (isScalarType(type)) {
    const builtIn: Record<string, (v: unknown) => boolean> = {
      String: (v) => typeof v === 'string',
      ID: (v) => typeof v === 'string' || typeof v === 'number',
      Int: (v) => Number.isInteger(v),
      Float: (v) => typeof v === 'number' && Number.isFinite(v),
      Boolean: (v) => typeof v === 'boolean',
    };
    let ok: boolean;
    try {
      ok = builtIn[type.name]?.(value) ?? (type.parseValue(value), true);
    } catch {
      ok = false;
    }
    if (!ok) out.push(`${path} is ${JSON.stringify(value)}, not a ${type.name}`);
    return out;
  }
  if (typeof value !== 'object' || Array.isArray(value)) {
    out.push(`${path} is not an object`);
    return out;
  }
  const object = value as Record<string, unknown>;
  const concrete = isAbstractType(type)
    ? (type as unknown as { getTypes?: () => GraphQLObjectType[] })
        .getTypes?.()
        .find((t) => t.name === object.__typename)
    : type;
  if (!concrete || !isObjectType(concrete)) return out;
  for (const field of Object.values(concrete.getFields())) {
    if (field.name.startsWith('_')) continue;
    if (!(field.name in object)) {
      // Scalars and enums are asked for at every depth (fullRecordQuery), so a missing one was left out.
      const named = getNamedType(field.type);
      const asked = field.args.every((a) => !isNonNullType(a.type));
      if (asked && (isScalarType(named) || isEnumType(named)))
        out.push(`${path}.${field.name} was asked for and is missing`);
      continue;
    }
    shapeProblems(field.type, object[field.name], `${path}.${field.name}`, out);
  }
  return out;
}
