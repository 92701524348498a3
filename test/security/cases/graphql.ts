import { expect } from 'vitest';
import { fixtures } from '../../helpers/scenario.js';
import { clinical, codesOf, query, row, type Answer, type Row } from '../requests.js';

const N = fixtures.sample;
const patient = (fields: string, n = N) => `{ patient(nhsNumber: "${n}") { ${fields} } }`;
const fifty = Array.from({ length: 50 }, () => N);
const times = (n: number, text: (i: number) => string) =>
  Array.from({ length: n }, (_, i) => text(i)).join(' ');
const data = (a: Answer) => (a.json as { data?: Record<string, Record<string, unknown> | null> }).data;

/** Query shapes that try to cost more than they should, reach what they should not, or confuse the planner. */
export const GRAPHQL: readonly Row[] = [
  row(
    'more aliases than the limit',
    query(patient(times(40, (i) => `a${i}: nhsNumber`))),
    400,
    'QUERY_TOO_COMPLEX',
  ),
  row(
    'more tokens than the limit',
    query(patient(times(2_100, () => 'nhsNumber'))),
    400,
    'QUERY_TOO_COMPLEX',
  ),
  row(
    '495 copies of one section (quadratic validation)',
    query(patient(times(495, () => 'medications { id }'))),
    400,
    'QUERY_TOO_COMPLEX',
    {
      check: (a) => void expect(a.text).toContain('costs 245521'),
    },
  ),
  row(
    'a fragment bomb',
    query(
      `{ patient(nhsNumber: "${N}") { ...F0 } } ${times(24, (i) => `fragment F${i} on Patient { ...F${i + 1} ...F${i + 1} }`)} fragment F24 on Patient { nhsNumber }`,
    ),
    400,
    'QUERY_TOO_COMPLEX',
  ),
  row(
    'fragments that spread each other',
    query(
      `{ patient(nhsNumber: "${N}") { ...A } } fragment A on Patient { nhsNumber ...B } fragment B on Patient { ...A }`,
    ),
    400,
    'GRAPHQL_VALIDATION_FAILED',
  ),
  row(
    'more directives than the limit',
    query(patient(`nhsNumber ${times(30, () => '@include(if: true)')}`)),
    400,
    'QUERY_TOO_COMPLEX',
  ),
  row(
    '30 aliases of a 50-patient list (1,500 lookups)',
    query(`{ ${times(30, (i) => `a${i}: patients(nhsNumbers: ${JSON.stringify(fifty)}) { nhsNumber }`)} }`),
    400,
    'TOO_MANY_PATIENTS',
  ),
  row(
    '51 patients in one list',
    query('query($n: [String!]!) { patients(nhsNumbers: $n) { nhsNumber } }', { n: [...fifty, N] }),
    400,
    'TOO_MANY_PATIENTS',
  ),
  row(
    'patients spread across root fields and fragments',
    query(
      `query($n: [String!]!) { patients(nhsNumbers: $n) { nhsNumber } ...P } fragment P on Query { patient(nhsNumber: "${N}") { nhsNumber } }`,
      { n: fifty },
    ),
    400,
    'TOO_MANY_PATIENTS',
  ),
  row(
    'an alias that takes the key field name (breaker attack)',
    query(patient('nhsNumber: medications { id }')),
    400,
    'GRAPHQL_VALIDATION_FAILED',
  ),
  row(
    'an alias that takes another section name',
    query(patient('medications: allergies { id }')),
    400,
    'GRAPHQL_VALIDATION_FAILED',
  ),
  row(
    "an alias in the gateway's reserved namespace",
    query(patient('__gatewayIdentity: nhsNumber medications { id }')),
    400,
    'GRAPHQL_VALIDATION_FAILED',
  ),
  row(
    'introspection of the schema in production',
    query('{ __schema { types { name } } }'),
    400,
    'GRAPHQL_VALIDATION_FAILED',
  ),
  row(
    'introspection of one type in production',
    query('{ __type(name: "Patient") { fields { name } } }'),
    400,
    'GRAPHQL_VALIDATION_FAILED',
  ),
  row(
    'a misspelt field in production (no suggestions)',
    query(patient('medicatons { id }')),
    400,
    'GRAPHQL_VALIDATION_FAILED',
    {
      check: (a) => void expect(a.text).not.toMatch(/Did you mean/i),
    },
  ),
  row('a mutation', query('mutation { deletePatient(nhsNumber: "1") }'), 400, 'OPERATION_NOT_SUPPORTED'),
  row(
    'a subscription',
    query(`subscription { patient(nhsNumber: "${N}") { nhsNumber } }`),
    400,
    'OPERATION_NOT_SUPPORTED',
  ),
  row(
    'an operationName that names nothing',
    clinical({ body: JSON.stringify({ query: `query A ${patient('nhsNumber')}`, operationName: 'B' }) }),
    400,
    'OPERATION_RESOLUTION_FAILURE',
  ),
  row(
    'two operations and no operationName',
    query(`query A ${patient('nhsNumber')} query B ${patient('nhsNumber')}`),
    400,
    'OPERATION_RESOLUTION_FAILURE',
  ),
  row(
    'a persisted-query hash without text',
    clinical({
      body: JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } } }),
    }),
    400,
    'PERSISTED_QUERY_NOT_SUPPORTED',
  ),
  row(
    'a persisted-query hash that does not match its text',
    clinical({
      body: JSON.stringify({
        query: patient('nhsNumber'),
        extensions: { persistedQuery: { version: 1, sha256Hash: 'b'.repeat(64) } },
      }),
    }),
    400,
    'PERSISTED_QUERY_NOT_SUPPORTED',
  ),
  row(
    'a required variable left out',
    query('query($n: String!) { patient(nhsNumber: $n) { nhsNumber } }', {}),
    400,
    'BAD_USER_INPUT',
  ),
  row(
    'a variable of the wrong type',
    query('query($n: String!) { patient(nhsNumber: $n) { nhsNumber } }', { n: { $gt: '' } }),
    400,
    'BAD_USER_INPUT',
  ),
  row('a query that does not parse', query('{ patient(nhsNumber: '), 400, 'GRAPHQL_PARSE_FAILED'),
  row('a field that does not exist', query(patient('shoeSize')), 400, 'GRAPHQL_VALIDATION_FAILED'),
  row(
    'an NHS number with a bad check digit',
    query(patient('nhsNumber', '9876544321')),
    200,
    'INVALID_NHS_NUMBER',
    {
      check: (a) => void expect(data(a)?.patient).toBeNull(),
    },
  ),
  row(
    'an NHS number carrying an injection',
    query(patient('nhsNumber', `${N}\\"); DROP TABLE patients; --`)),
    200,
    'INVALID_NHS_NUMBER',
  ),
  row(
    'a valid NHS number nobody has',
    query(patient('nhsNumber medications { id }', fixtures.unknown)),
    200,
    'PATIENT_NOT_FOUND',
  ),
  row(
    'a stack trace asked of the development gateway',
    query(patient('nhsNumber: medications { id }'), undefined, { on: 'development' }),
    400,
    'GRAPHQL_VALIDATION_FAILED',
    {
      check: (a) => void expect(a.text).not.toMatch(/stacktrace|node_modules|\.ts:\d/),
    },
  ),
];

/** A restricted patient's location never leaves the gateway, whichever subgraph holds it and however asked. */
export const CONFIDENTIALITY: readonly Row[] = [
  row(
    "a restricted patient's registered practice",
    query(patient('registeredPractice { odsCode name } medications { id }', fixtures.restricted)),
    200,
    'CONFIDENTIAL_WITHHELD',
    {
      patientData: true,
      check: (a) => {
        expect(data(a)?.patient).toMatchObject({ registeredPractice: null, medications: expect.any(Array) });
        expect(a.text).not.toMatch(/"odsCode"/);
      },
    },
  ),
  row(
    "a restricted patient's trust, aliased",
    query(patient('where: trust { odsCode } encounters { id }', fixtures.restricted)),
    200,
    'CONFIDENTIAL_WITHHELD',
    {
      patientData: true,
      check: (a) => void expect(data(a)?.patient).toMatchObject({ where: null }),
    },
  ),
  row(
    "a restricted patient's address and practice code",
    query(
      patient('demographics { address { postcode } registeredPracticeOds telecom }', fixtures.restricted),
    ),
    200,
    'CONFIDENTIAL_WITHHELD',
    {
      patientData: true,
      check: (a) => {
        expect(data(a)?.patient?.demographics).toEqual({
          address: null,
          registeredPracticeOds: null,
          telecom: null,
        });
        expect(codesOf(a)).toEqual([
          'CONFIDENTIAL_WITHHELD',
          'CONFIDENTIAL_WITHHELD',
          'CONFIDENTIAL_WITHHELD',
        ]);
      },
    },
  ),
];
