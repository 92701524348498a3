/**
 * The prepared path (gateway/execution/) must never answer a request Apollo Server would refuse. Found in
 * review: the key of a prepared operation once joined the operation name and the query text with a
 * newline, and an operation name is any string a client sends. A name ending in the first line of a
 * prepared query, with the rest of that query as the text, made the same key: the text alone does not
 * parse, so the request budget let it through uncounted, and the prepared operation ran with the
 * attacker's variables, past the patients-per-request limit. Apollo Server refuses such a request as
 * unparseable, and so must the gateway.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../gateway/app.js';
import { startSupplier, type TestSupplier } from '../../lib/testbed/index.js';
import { startTestGateway } from '../helpers/gateway.js';
import { ops, sample } from '../helpers/ops.js';
import { population } from '../helpers/scenario.js';

const FIRST_LINE = 'query Records($ns: [String!]!) {';
const REST = 'patients(nhsNumbers: $ns) { nhsNumber } }';
const numbers = population.patients.slice(400, 410).map((p) => p.demographics.nhsNumber);

describe('a prepared operation cannot be reached under another name and text', () => {
  let gp: TestSupplier;
  let hospital: TestSupplier;
  let gateway: RunningGateway;

  beforeAll(async () => {
    [gp, hospital] = await Promise.all([startSupplier('gp'), startSupplier('hospital')]);
    gateway = await startTestGateway({ gp, hospital }, { MAX_PATIENTS_PER_QUERY: '3' });
  });
  afterAll(async () => {
    await gateway?.close();
    await Promise.all([gp?.stop(), hospital?.stop()]);
  });

  const post = async (body: unknown) => {
    const response = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return {
      status: response.status,
      body: (await response.json()) as { errors?: { extensions?: { code?: string } }[]; data?: unknown },
    };
  };
  const prepared = async () =>
    sample(
      (await ops<string>(gateway.ops.url, '/metrics')).body,
      'patient_gateway_clinical_requests_by_path_total',
      {
        path: 'prepared',
      },
    ) ?? 0;

  it('refuses a split name and text as Apollo Server does, and the budget still counts every patient', async () => {
    const query = `${FIRST_LINE}\n${REST}`;
    const allowed = { query, operationName: 'Records', variables: { ns: numbers.slice(0, 2) } };
    expect((await post(allowed)).status).toBe(200);
    expect((await post(allowed)).status).toBe(200);
    const before = await prepared();
    expect(before).toBeGreaterThanOrEqual(1);

    // Same key under the old scheme: name "Records\n<first line>", text "<rest>"; ten patients.
    const split = await post({
      query: REST,
      operationName: `Records\n${FIRST_LINE}`,
      variables: { ns: numbers },
    });
    expect({
      status: split.status,
      code: split.body.errors?.[0]?.extensions?.code,
      data: split.body.data,
    }).toEqual({
      status: 400,
      code: 'GRAPHQL_PARSE_FAILED',
      data: undefined,
    });
    expect(await prepared()).toBe(before);

    // The prepared operation itself, over the limit, is refused by the budget.
    const over = await post({ ...allowed, variables: { ns: numbers } });
    expect({ status: over.status, code: over.body.errors?.[0]?.extensions?.code }).toEqual({
      status: 400,
      code: 'TOO_MANY_PATIENTS',
    });
  });
});
