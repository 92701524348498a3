import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { Supergraph } from '@apollo/federation-internals';
import { RequestBudget, reservedAliasesRule } from '../../gateway/limits/index.js';
import { IdentitySelection } from '../../gateway/suppliers/identity.js';
import { loadSupergraph, subgraphSdl } from '../../schema/index.js';

const budget = new RequestBudget({ maxPatients: 50, maxCost: 10_000, maxTokens: 5_000 });
const N = '9990952655';
const fifty = Array.from({ length: 50 }, () => N);

describe('the request budget', () => {
  it('counts patients across aliases, root fields, fragments and variables', () => {
    const check = (query: string, variables?: unknown) => budget.check({ query, variables });
    expect(check(`{ patient(nhsNumber: "${N}") { nhsNumber } }`)).toMatchObject({ ok: true, patients: 1 });
    expect(
      check(
        `query($a: [String!]!) { x: patients(nhsNumbers: $a) { nhsNumber } y: patient(nhsNumber: "${N}") { nhsNumber } }`,
        {
          a: fifty.slice(0, 49),
        },
      ),
    ).toMatchObject({ ok: true, patients: 50 });
    expect(
      check(
        `query($a: [String!]!) { ...F x: patients(nhsNumbers: $a) { nhsNumber } } fragment F on Query { patient(nhsNumber: "${N}") { nhsNumber } }`,
        {
          a: fifty,
        },
      ),
    ).toMatchObject({ ok: false, code: 'TOO_MANY_PATIENTS' });
    const thirtyAliases = Array.from(
      { length: 30 },
      (_, i) => `a${i}: patients(nhsNumbers: ${JSON.stringify(fifty)}) { nhsNumber }`,
    ).join(' ');
    expect(check(`{ ${thirtyAliases} }`)).toMatchObject({
      ok: false,
      code: 'TOO_MANY_PATIENTS',
      message: expect.stringContaining('1500 patients'),
    });
  });

  it('costs duplicated fields more with every copy, and everything under a lookup once per patient', () => {
    const one = budget.check({ query: `{ patient(nhsNumber: "${N}") { medications { id } } }` });
    expect(one).toMatchObject({ ok: true, cost: 3 }); // patient, medications, id
    const twice = budget.check({
      query: `{ patient(nhsNumber: "${N}") { medications { id } medications { id } } }`,
    });
    expect(twice).toMatchObject({ ok: true, cost: 1 + 2 + 2 * 2 }); // the second copy weighs twice
    const list = budget.check({
      query: `query($n: [String!]!) { patients(nhsNumbers: $n) { medications { id } } }`,
      variables: { n: fifty },
    });
    expect(list).toMatchObject({ ok: true, cost: 150, patients: 50 });
    const copies = Array.from({ length: 495 }, () => 'medications { id }').join(' ');
    expect(budget.check({ query: `{ patient(nhsNumber: "${N}") { ${copies} } }` })).toMatchObject({
      ok: false,
      code: 'QUERY_TOO_COMPLEX',
      message: expect.stringContaining('costs 245521'),
    });
  });

  it('stops expanding a fragment bomb at the ceiling instead of walking it', () => {
    const levels = Array.from(
      { length: 30 },
      (_, i) => `fragment F${i} on Patient { ...F${i + 1} ...F${i + 1} }`,
    ).join(' ');
    const query = `{ patient(nhsNumber: "${N}") { ...F0 } } ${levels} fragment F30 on Patient { nhsNumber }`;
    // 2^30 expansions: without the ceiling this would not return within the test's time.
    expect(budget.check({ query })).toMatchObject({
      ok: false,
      code: 'QUERY_TOO_COMPLEX',
      message: 'the query expands to more than 10000 fields',
    });
  });

  it('resolves the operation to run as GraphQL-over-HTTP does, and answers queries only', () => {
    const two = `query A { patient(nhsNumber: "${N}") { nhsNumber } } query B { patient(nhsNumber: "${N}") { nhsNumber } }`;
    expect(budget.check({ query: two })).toMatchObject({ ok: false, code: 'OPERATION_RESOLUTION_FAILURE' });
    expect(budget.check({ query: two, operationName: 'C' })).toMatchObject({
      ok: false,
      code: 'OPERATION_RESOLUTION_FAILURE',
    });
    expect(budget.check({ query: two, operationName: 'B' })).toMatchObject({ ok: true, patients: 1 });
    expect(budget.check({ query: 'fragment F on Query { __typename }' })).toMatchObject({
      code: 'OPERATION_RESOLUTION_FAILURE',
    });
    expect(budget.check({ query: 'mutation { x }' })).toMatchObject({ code: 'OPERATION_NOT_SUPPORTED' });
    expect(budget.check({ query: 'subscription { x }' })).toMatchObject({ code: 'OPERATION_NOT_SUPPORTED' });
    // What does not parse is left to Apollo Server, which answers GRAPHQL_PARSE_FAILED.
    expect(budget.check({ query: '{ patient(' })).toMatchObject({ ok: true });
  });

  it('refuses limits that are not positive integers, quoting them', () => {
    expect(() => new RequestBudget({ maxPatients: 0, maxCost: 1, maxTokens: 1 })).toThrow(
      'maxPatients must be a positive integer, got 0',
    );
  });
});

describe('aliases the gateway reserves', () => {
  const api = Supergraph.build(loadSupergraph()).apiSchema().toGraphQLJSSchema();
  const errors = (query: string) => validate(api, parse(query), [reservedAliasesRule]).map((e) => e.message);

  it('refuses an alias that is the name of another field of the type, or that begins with __', () => {
    expect(errors(`{ patient(nhsNumber: "${N}") { nhsNumber: medications { id } } }`)).toEqual([
      'The alias "nhsNumber" names another field of Patient: choose an alias that is not a field name.',
    ]);
    expect(errors(`{ patient(nhsNumber: "${N}") { __gatewayIdentity: nhsNumber } }`)).toEqual([
      'The alias "__gatewayIdentity" is reserved: aliases must not begin with "__".',
    ]);
  });

  it('accepts ordinary aliases, and an alias that repeats its own field name', () => {
    expect(
      errors(
        `{ a: patient(nhsNumber: "${N}") { nhsNumber: nhsNumber meds: medications { id } } b: patient(nhsNumber: "${N}") { nhsNumber } }`,
      ),
    ).toEqual([]);
  });

  it('is what lets the identity check use a key no client can write', () => {
    const planned = parse(`query($representations: [_Any!]!) { _entities(representations: $representations) {
      ... on Patient { nhsNumber: medications { id } } } }`);
    const { text } = new IdentitySelection().operationFor('q', planned);
    expect(text).toContain('__gatewayIdentity: nhsNumber');
    // The supplier accepts the rewritten operation even when a client alias took the field's own name.
    const supplier = buildSubgraphSchema({ typeDefs: parse(subgraphSdl('gp')) });
    expect(validate(supplier, parse(text))).toEqual([]);
  });
});
