/**
 * Differential: the compiled result shaping (gateway/execution/shaping/) gives exactly what
 * @apollo/gateway's own `computeResponse` gives, for generated client operations (aliases, duplicates,
 * fragments, @skip/@include on a variable) over generated supplier answers that are sometimes malformed:
 * fields missing or null, values of the wrong kind, enum values the schema does not have, unknown or
 * wrong `__typename`s, and condition variables that are not booleans. Data (with its key order), errors
 * (message, path, code) and thrown errors must be identical.
 */
import { buildSchema, operationFromDocument, Supergraph } from '@apollo/federation-internals';
import fc from 'fast-check';
import {
  getNamedType,
  getNullableType,
  isEnumType,
  isLeafType,
  isListType,
  isObjectType,
  Kind,
  parse,
  validate,
  type FragmentDefinitionNode,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type SelectionSetNode,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import {
  compiledComputeResponse,
  installCompiledShaping,
  originalComputeResponse,
} from '../../gateway/execution/index.js';
import { loadSupergraph } from '../../schema/index.js';
import { operations } from '../helpers/operations.js';
import { LOOKUP_NUMBERS } from '../helpers/scenario.js';

const federationApi = Supergraph.build(loadSupergraph()).apiSchema();
const schema = federationApi.toGraphQLJSSchema();
const SEED = Number(process.env.PROPERTY_SEED ?? 20_261_122);

/** A small deterministic generator, so one fast-check integer drives a whole answer. */
function random(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  return { chance: (p: number) => next() < p, below: (n: number) => Math.floor(next() * n) };
}
type Random = ReturnType<typeof random>;

/** A leaf value: usually one the type accepts, sometimes one of another kind or an unknown enum value. */
function leaf(type: GraphQLOutputType, rng: Random): unknown {
  const named = getNamedType(type);
  if (rng.chance(0.04)) return [true, 7, 1.5, 'text', { x: 1 }][rng.below(5)];
  if (isEnumType(named)) {
    const values = named.getValues().map((v) => v.name);
    return rng.chance(0.1) ? 'NOT_A_VALUE' : values[rng.below(values.length)];
  }
  if (named.name === 'Boolean') return rng.chance(0.5);
  if (named.name === 'Int') return rng.below(100);
  if (named.name === 'Float') return rng.below(100) / 4;
  return `v${rng.below(1000)}`;
}

/**
 * What a supplier might answer for `set` on `type`, written into `target` by response name (a name seen
 * twice fills in the same value, as the executor merges fetches), with faults now and then.
 */
function answer(
  target: Record<string, unknown>,
  set: SelectionSetNode,
  type: GraphQLObjectType,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  rng: Random,
): void {
  if (rng.chance(0.1)) target.__typename = ['Patient', 'Bogus', 'Query', 'Medication', 3][rng.below(5)];
  for (const selection of set.selections) {
    if (selection.kind === Kind.INLINE_FRAGMENT) answer(target, selection.selectionSet, type, fragments, rng);
    if (selection.kind === Kind.FRAGMENT_SPREAD)
      answer(target, fragments.get(selection.name.value)!.selectionSet, type, fragments, rng);
    if (selection.kind !== Kind.FIELD || selection.name.value === '__typename') continue;
    const name = selection.alias?.value ?? selection.name.value;
    const field = type.getFields()[selection.name.value];
    if (!field || rng.chance(0.03)) continue;
    target[name] = value(target[name], field.type, selection.selectionSet, fragments, rng);
  }
}

function value(
  existing: unknown,
  type: GraphQLOutputType,
  set: SelectionSetNode | undefined,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  rng: Random,
): unknown {
  if (existing === undefined && rng.chance(0.06)) return null;
  const nullable = getNullableType(type);
  if (isListType(nullable)) {
    if (existing === undefined && rng.chance(0.03)) return 'not a list';
    const items = Array.isArray(existing) ? existing : Array.from({ length: rng.below(4) }, () => undefined);
    return items.map((item) => value(item, nullable.ofType, set, fragments, rng));
  }
  if (isObjectType(nullable) && set) {
    if (existing === null || (existing !== undefined && typeof existing !== 'object')) return existing;
    const object = (existing ?? {}) as Record<string, unknown>;
    answer(object, set, nullable, fragments, rng);
    return object;
  }
  return existing !== undefined && isLeafType(getNamedType(type)) ? existing : leaf(type, rng);
}

type Outcome = { readonly threw: string } | { readonly data: string; readonly errors: unknown };

function outcome(shape: () => { data: unknown; errors: unknown[] }): Outcome {
  try {
    const { data, errors } = shape();
    const described = (errors as { message: string; path?: unknown; extensions?: unknown }[]).map((e) => ({
      message: e.message,
      path: e.path,
      extensions: e.extensions,
    }));
    return { data: JSON.stringify(data), errors: described };
  } catch (error) {
    return { threw: (error as Error).message };
  }
}

describe('compiled result shaping', () => {
  it('is what @apollo/gateway executes once installed', () => {
    expect(installCompiledShaping(), 'the pinned @apollo/gateway layout').toBe(true);
    expect(installCompiledShaping()).toBe(true);
    expect(originalComputeResponse()).not.toBe(compiledComputeResponse);
  });

  it('gives the same data, errors and failures as the original on 1,000 generated answers', () => {
    const original = originalComputeResponse();
    const flags = [true, false, true, false, undefined, 'yes'];
    let shaped = 0;
    fc.assert(
      fc.property(
        operations(schema, LOOKUP_NUMBERS),
        fc.nat(),
        fc.nat(flags.length - 1),
        (generated, seed, flagAt) => {
          const document = parse(generated.query);
          fc.pre(validate(schema, document).length === 0);
          const operation = operationFromDocument(federationApi, document, { validate: false });
          const fragments = new Map(
            document.definitions
              .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
              .map((d) => [d.name.value, d]),
          );
          const root = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION)!;
          const input: Record<string, unknown> = {};
          answer(input, root.selectionSet, schema.getQueryType()!, fragments, random(seed));
          const args = {
            operation,
            variables: { flag: flags[flagAt] },
            introspectionHandling: () => ({ introspected: true }),
          };
          // Each gets its own copy: neither may depend on what the other did to the answer.
          const copy = () => JSON.parse(JSON.stringify(input)) as Record<string, unknown>;
          const expected = outcome(() => original({ ...args, input: copy() }));
          const actual = outcome(() => compiledComputeResponse({ ...args, input: copy() }));
          expect(actual).toEqual(expected);
          shaped++;
        },
      ),
      { numRuns: 1_000, seed: SEED },
    );
    expect(shaped).toBeGreaterThan(500);
  });

  it('answers introspection fields through the executor and keeps `__typename` of the root', () => {
    const original = originalComputeResponse();
    const document = parse(
      `{ __typename kind: __typename __schema { queryType { name } } patient(nhsNumber: "9000000009") { __typename nhsNumber } }`,
    );
    const operation = operationFromDocument(federationApi, document, { validate: false });
    const introspectionHandling = (s: { element: { responseName(): string } }) => ({
      answered: s.element.responseName(),
    });
    for (const input of [{ patient: { nhsNumber: '9000000009' } }, { patient: null }, {}, null]) {
      const args = { operation, variables: {}, input, introspectionHandling } as never;
      expect(outcome(() => compiledComputeResponse(args))).toEqual(outcome(() => original(args)));
    }
  });

  it('agrees on abstract types, aliased `__typename` and two conditions on one selection', () => {
    // The clinical schema has no interface or union, and clinical apps put one condition on a field: a
    // schema and a query that do, against every mix of type names and condition values below.
    const abstract = buildSchema(`
      type Query { node: Node nodes: [Node!] thing: Thing }
      interface Node { id: ID! }
      type A implements Node { id: ID! a: String }
      type B implements Node { id: ID! b: Int! }
      union Thing = A | B
    `);
    const operation = operationFromDocument(
      abstract,
      parse(`query Q($f: Boolean!, $g: Boolean) {
        root: __typename
        node { __typename t: __typename id ... on A { a } ... on B { b } }
        nodes { kind: __typename id ... on B { b } }
        thing { __typename ... on A { id a } }
        x: node @skip(if: true) @include(if: $g) { id }
        y: node @include(if: $g) @skip(if: $f) { id }
      }`),
      { validate: false },
    );
    const original = originalComputeResponse();
    const names = ['A', 'B', 'Bogus', 'Query', 'String', 3, undefined];
    const values = [true, false, undefined, 'x'];
    let compared = 0;
    for (const [i, name] of names.entries()) {
      const other = names[(i + 1) % names.length];
      const input = {
        __typename: name,
        node: { __typename: name, id: '1', a: 'x', b: i },
        nodes: [
          { __typename: name, id: '2', b: null },
          { __typename: other, id: '3', b: 1 },
        ],
        thing: { __typename: other, id: '4', a: 'y' },
        x: { id: '5' },
        y: { id: '6' },
      };
      for (const f of values)
        for (const g of values) {
          const args = { operation, variables: { f, g }, input, introspectionHandling: () => null };
          expect(outcome(() => compiledComputeResponse(args as never))).toEqual(
            outcome(() => original(args as never)),
          );
          compared++;
        }
    }
    expect(compared).toBe(names.length * values.length ** 2);
  });
});
