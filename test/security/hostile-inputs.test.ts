/**
 * The security regression suite: every hostile input in the tables under cases/, sent to real processes
 * (a production-like gateway, a development one, suppliers, Redis). Each case asserts the exact status and
 * code, that nothing leaked into the answer or into any log line any process wrote, that the gateway still
 * answers a normal request afterwards, and — unless the case breaks a supplier on purpose — that no
 * supplier failure was counted. A new case is one row in a table.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findLeaks } from '../../lib/redact.js';
import { sample } from '../helpers/ops.js';
import { fixtures } from '../helpers/scenario.js';
import { CONFIDENTIALITY, GRAPHQL } from './cases/graphql.js';
import { AUTH, HTTP } from './cases/http-and-auth.js';
import { COMPROMISED_SUPPLIER, OPS, SUPPLIERS } from './cases/ops-and-suppliers.js';
import { codeOf, codesOf, ops, query, type Answer, type HostileCase, type Row } from './requests.js';
import { startSecurityStack, type SecurityStack } from './stack.js';

const table = (category: string, rows: readonly Row[]): HostileCase[] =>
  rows.map((r) => ({ ...r, category }));

const CASES: readonly HostileCase[] = [
  ...table('http', HTTP),
  ...table('auth', AUTH),
  ...table('graphql', GRAPHQL),
  ...table('confidentiality', CONFIDENTIALITY),
  ...table('ops', OPS),
  ...table('suppliers', SUPPLIERS),
  ...table('compromised supplier', COMPROMISED_SUPPLIER),
];

/**
 * What an answer must never hold: a stack trace, a source path, a secret, or (unless it is data) an NHS
 * number. Answers are not redacted, so a number that merely passes the check digit (a Unix timestamp in the
 * metrics, say) is not counted: every patient here is synthetic, in the 999 range.
 */
function leaksIn(answer: Answer, patientData: boolean): string[] {
  const synthetic = (leak: string) => leak.slice('NHS number '.length).replace(/\D/g, '').startsWith('999');
  const found = findLeaks(answer.text).filter(
    (leak) => !leak.startsWith('NHS number') || (!patientData && synthetic(leak)),
  );
  if (/\n\s+at |stacktrace|node_modules|\.ts:\d+/.test(answer.text))
    found.push('a stack trace or source path');
  return found;
}

/** Supplier calls that failed, per the production gateway's metrics. */
async function supplierFailures(stack: SecurityStack): Promise<number> {
  const metrics = (await ops('/metrics', { token: null })(stack)).text;
  return ['gp', 'hospital'].reduce(
    (sum, supplier) =>
      sum +
      (sample(metrics, 'patient_gateway_supplier_requests_total', { supplier, outcome: 'failure' }) ?? 0),
    0,
  );
}

describe('security regression suite: hostile inputs against real processes', () => {
  let stack: SecurityStack;
  let logsChecked = 0;

  beforeAll(async () => {
    stack = await startSecurityStack();
  }, 90_000);
  afterAll(async () => {
    // Everything any process wrote, including lines that arrived after the last case.
    const logs = stack?.logs() ?? '';
    await stack?.stop();
    expect(findLeaks(logs)).toEqual([]);
  });

  it('has at least 60 cases across the categories', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(60);
    expect(new Set(CASES.map((c) => `${c.category}: ${c.name}`)).size).toBe(CASES.length);
  });

  it.each(CASES.map((c) => [`${c.category}: ${c.name}`, c] as const))('%s', async (_, hostile) => {
    const failuresBefore = await supplierFailures(stack);
    const answer = await hostile.send(stack);
    expect({
      status: answer.status,
      code: codeOf(answer) ?? codesOf(answer).find((c) => c === hostile.code),
    }).toEqual({
      status: hostile.status,
      code: hostile.code,
    });
    await hostile.check?.(answer, stack);
    expect(leaksIn(answer, hostile.patientData === true)).toEqual([]);
    // Still answering, normally, afterwards.
    const normal = await query(
      `{ patient(nhsNumber: "${fixtures.sample}") { nhsNumber medications { id } } }`,
    )(stack);
    expect(normal.status).toBe(200);
    expect((normal.json as { extensions: { availability: unknown } }).extensions.availability).toEqual({
      gp: { domain: 'gp', status: 'LIVE', breaker: 'CLOSED' },
    });
    if (!hostile.failsSupplier) expect(await supplierFailures(stack)).toBe(failuresBefore);
    // Nothing any process has logged so far leaks an identifier or a secret.
    const logs = stack.logs();
    expect(findLeaks(logs.slice(logsChecked))).toEqual([]);
    logsChecked = logs.length;
  });

  it('the hostile inputs did reach the logs, so the scan above had something to read', async () => {
    await query('{ patient(nhsNumber: "9876544321") { nhsNumber } }', undefined, { authorization: null })(
      stack,
    );
    await ops('/api/status', { token: null })(stack);
    await new Promise((resolve) => setImmediate(resolve));
    const { eventually } = await import('../helpers/gateway.js');
    await eventually(
      () => stack.logs().includes('clinical request refused'),
      5_000,
      'the refusal in the log',
    );
  });
});
