/**
 * The prepared path's variable check gives graphql-js's verdict: for generated variable types (built-in
 * scalars, enums, input objects, lists, non-null) and generated JSON values, `variablesCoerce` says yes
 * exactly when `getVariableValues` reports no error.
 */
import fc from 'fast-check';
import { buildSchema, getVariableValues, parse, type OperationDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { variablesCoerce } from '../../gateway/execution/variables.js';

const schema = buildSchema('type Query { a: String } enum E { X Y } input I { a: String! }');
const named = fc.constantFrom('String', 'ID', 'Boolean', 'Int', 'Float', 'E', 'I');
const typeText: fc.Arbitrary<string> = fc.letrec<{ type: string }>((tie) => ({
  type: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    named,
    tie('type').map((t) => `[${t}]`),
    tie('type')
      .filter((t) => !t.endsWith('!'))
      .map((t) => `${t}!`),
  ),
})).type;
const json = fc.oneof(
  fc.string(),
  fc.boolean(),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constant(null),
  fc.constantFrom('X', 'Z', { a: 'x' }, { b: 1 }),
);
const value = fc.oneof(json, fc.array(json, { maxLength: 3 }), fc.array(fc.array(json, { maxLength: 2 })));

describe('variablesCoerce', () => {
  it("agrees with graphql-js's getVariableValues", () => {
    let accepted = 0;
    fc.assert(
      fc.property(
        fc.array(fc.tuple(typeText, fc.option(value, { nil: undefined })), { minLength: 1, maxLength: 3 }),
        (variables) => {
          const declared = variables.map(([type], i) => `$v${i}: ${type}`).join(', ');
          const document = parse(`query Q(${declared}) { __typename }`);
          const definitions = (document.definitions[0] as OperationDefinitionNode).variableDefinitions!;
          const values = Object.fromEntries(
            variables.flatMap(([, v], i) => (v === undefined ? [] : [[`v${i}`, v]])),
          );
          const expected = getVariableValues(schema, definitions, values).errors === undefined;
          expect(variablesCoerce(schema, definitions, values)).toBe(expected);
          if (expected) accepted++;
        },
      ),
      { numRuns: 2_000, seed: 20_261_122 },
    );
    expect(accepted).toBeGreaterThan(100);
  });
});
