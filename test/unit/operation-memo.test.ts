import { buildSchema, operationFromDocument, type Operation } from '@apollo/federation-internals';
import { parse, type DocumentNode } from 'graphql';
import { describe, expect, it, vi } from 'vitest';
import { installOperationMemo } from '../../gateway/execution/index.js';
import {
  memoiseOperations,
  operationMemoCounts,
  unmemoisedOperationBuilder,
} from '../../gateway/execution/operation-memo.js';

const SDL = `
  type Query { patient(nhsNumber: String!): Patient }
  type Patient { nhsNumber: String! name: String medications: [String!] }
`;
const DOCUMENT = parse(`
  query Record($n: String!) { patient(nhsNumber: $n) { ...Who medications @include(if: true) } }
  fragment Who on Patient { nhsNumber name }
`);

/** The document the executor builds for each request: a fresh object around the same definition nodes. */
const asExecutorBuildsIt = (document: DocumentNode): DocumentNode => ({
  kind: document.kind,
  definitions: [...document.definitions],
});

describe('the operation memo (what executeQueryPlan rebuilds per request)', () => {
  it('is what @apollo/federation-internals hands its callers once installed, and installing twice is harmless', async () => {
    const internals = await import('@apollo/federation-internals');
    expect(installOperationMemo(), 'the pinned @apollo/federation-internals layout').toBe(true);
    expect(installOperationMemo()).toBe(true);
    const schema = buildSchema(SDL);
    const before = operationMemoCounts();
    const first = internals.operationFromDocument(schema, asExecutorBuildsIt(DOCUMENT), { validate: false });
    const again = internals.operationFromDocument(schema, asExecutorBuildsIt(DOCUMENT), { validate: false });
    expect(again, 'the same operation object for the same nodes and schema').toBe(first);
    const after = operationMemoCounts();
    expect([after.built - before.built, after.reused - before.reused]).toEqual([1, 1]);
  });

  it('gives an operation equal to a fresh build by federation-internals as shipped', () => {
    installOperationMemo();
    const original = unmemoisedOperationBuilder();
    expect(original, 'the unpatched builder, not the installed memo').not.toBe(operationFromDocument);
    const schema = buildSchema(SDL);
    const memoised = memoiseOperations(original);
    const options = { validate: false };
    memoised(schema, asExecutorBuildsIt(DOCUMENT), options);
    const kept = memoised(schema, asExecutorBuildsIt(DOCUMENT), options) as Operation;
    const fresh = original(schema, asExecutorBuildsIt(DOCUMENT), options) as Operation;
    expect(fresh, 'a genuinely separate build').not.toBe(kept);
    const shape = (o: Operation) => ({
      text: o.toString(),
      expanded: o.toString(true),
      kind: o.rootKind,
      name: o.name,
      variables: o.variableDefinitions.toString(),
      fragments: o.fragments?.toString(),
      defaults: o.collectDefaultedVariableValues(),
    });
    expect(shape(kept)).toEqual(shape(fresh));
    expect(kept.toString(true)).toContain('medications @include(if: true)');
  });

  it('builds again for another schema, other fragment nodes, or a call that is not the executor’s', () => {
    const build = vi.fn((..._args: unknown[]) => ({}));
    const memoised = memoiseOperations(build);
    const schemaA = buildSchema(SDL);
    const schemaB = buildSchema(SDL);
    const off = { validate: false };
    const a = memoised(schemaA, asExecutorBuildsIt(DOCUMENT), off);
    expect(memoised(schemaA, asExecutorBuildsIt(DOCUMENT), off)).toBe(a);
    expect(build).toHaveBeenCalledTimes(1);

    const b = memoised(schemaB, asExecutorBuildsIt(DOCUMENT), off);
    expect(b, 'another schema (a swapped supergraph, or the other path’s)').not.toBe(a);
    expect(build).toHaveBeenCalledTimes(2);
    expect(memoised(schemaA, asExecutorBuildsIt(DOCUMENT), off), 'both kept side by side').toBe(a);
    expect(memoised(schemaB, asExecutorBuildsIt(DOCUMENT), off)).toBe(b);
    expect(build).toHaveBeenCalledTimes(2);

    const otherFragment = parse('fragment Who on Patient { nhsNumber }').definitions[0]!;
    const withOther = { ...DOCUMENT, definitions: [DOCUMENT.definitions[0]!, otherFragment] };
    memoised(schemaB, withOther, off);
    expect(build, 'the same operation node with another fragment').toHaveBeenCalledTimes(3);

    memoised(schemaB, DOCUMENT, { validate: true });
    memoised(schemaB, DOCUMENT, { validate: false, operationName: 'Record' });
    memoised(schemaB, DOCUMENT);
    expect(build, 'planning and validation calls are never kept').toHaveBeenCalledTimes(6);
  });

  it('keeps nothing when the build throws (the executor answers with the error each time)', () => {
    const build = vi.fn(() => {
      throw new Error('Unknown type');
    });
    const memoised = memoiseOperations(build);
    const schema = buildSchema(SDL);
    expect(() => memoised(schema, asExecutorBuildsIt(DOCUMENT), { validate: false })).toThrow('Unknown type');
    expect(() => memoised(schema, asExecutorBuildsIt(DOCUMENT), { validate: false })).toThrow('Unknown type');
    expect(build).toHaveBeenCalledTimes(2);
  });
});
