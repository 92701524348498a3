import { generateKeyPairSync } from 'node:crypto';
import { expect } from 'vitest';
import { AssertionSigner, type ClinicianIdentity } from '../../../gateway/auth/index.js';
import { systemClock, type Clock } from '../../../lib/clock.js';
import { TEST_ASSERTION_KEY } from '../../../lib/testbed/index.js';
import { TEST_OPS_TOKEN } from '../../helpers/gateway.js';
import { fixtures, nextPatient } from '../../helpers/scenario.js';
import { ops, query, raw, row, type Answer, type Row, type Send } from '../requests.js';
import { tokenFor, type SecurityStack } from '../stack.js';

const reason = { reason: 'security suite' };
const json = (value: unknown) => JSON.stringify(value);

/** The ops port: credentials, traversal, bad input. */
export const OPS: readonly Row[] = [
  row('the ops API without a token', ops('/api/status', { token: null }), 401, 'OPS_UNAUTHENTICATED'),
  row(
    'the ops API with a wrong token',
    ops('/api/status', { token: 'x'.repeat(30) }),
    401,
    'OPS_UNAUTHENTICATED',
  ),
  row(
    'the ops token in the query string',
    ops(`/api/status?token=${TEST_OPS_TOKEN}`, { token: null }),
    401,
    'OPS_UNAUTHENTICATED',
  ),
  row(
    "a clinician's token on the ops API",
    async (stack) => ops('/api/status', { token: await tokenFor() })(stack),
    401,
    'OPS_UNAUTHENTICATED',
  ),
  row('a traversal from the dashboard', ops('/../../etc/passwd', { token: null }), 404, 'NOT_FOUND'),
  row(
    'a traversal through a static file',
    ops('/dashboard.js/../../package.json', { token: null }),
    404,
    'NOT_FOUND',
  ),
  row('an encoded traversal', ops('/%2e%2e/%2e%2e/package.json', { token: null }), 404, 'NOT_FOUND'),
  row(
    'a quarantine cut-off on 30 February',
    ops('/api/suppliers/gp/quarantine', {
      method: 'POST',
      body: json({ ...reason, since: '2026-02-30T00:00Z' }),
    }),
    400,
    'INVALID_CUTOFF',
  ),
  row(
    'a chunked ops body over 16 KiB',
    ops('/api/suppliers/gp/isolate', {
      method: 'POST',
      body: Array.from({ length: 8 }, () => 'x'.repeat(8_192)),
    }),
    413,
    'PAYLOAD_TOO_LARGE',
  ),
  row(
    'an ops body that is an array',
    ops('/api/suppliers/gp/isolate', { method: 'POST', body: '[]' }),
    400,
    'BAD_REQUEST',
  ),
  row(
    'a control on a supplier that does not exist',
    ops('/api/suppliers/..%2F..%2Fetc/isolate', { method: 'POST', body: json(reason) }),
    404,
    'UNKNOWN_SUPPLIER',
  ),
  row(
    'a purge with an invalid NHS number',
    ops('/api/patients/purge', { method: 'POST', body: json({ ...reason, nhsNumber: '9876544321' }) }),
    400,
    'INVALID_NHS_NUMBER',
  ),
  row('metrics carry no identifiers', ops('/metrics', { token: null }), 200, undefined, {
    check: (a) => void expect(a.text).toContain('patient_gateway_breaker_state'),
  }),
  row('readiness shows states, not hosts or errors', ops('/readyz', { token: null }), 200, undefined, {
    check: (a) => void expect(a.text).not.toMatch(/127\.0\.0\.1|redis:\/\/|Error/),
  }),
  row('the JWKS holds public keys only', ops('/.well-known/jwks.json', { token: null }), 200, undefined, {
    check: (a) => {
      const keys = (a.json as { keys: Record<string, unknown>[] }).keys;
      expect(keys.length).toBeGreaterThan(0);
      for (const key of keys) expect(key).not.toHaveProperty('d');
    },
  }),
];

const ENTITIES =
  'query($r: [_Any!]!) { _entities(representations: $r) { ... on Patient { medications { id } } } }';
const entitiesOf = (n: string) =>
  json({ query: ENTITIES, variables: { r: [{ __typename: 'Patient', nhsNumber: n }] } });
const clinician: ClinicianIdentity = { userId: 'dr-security', role: 'R8000', org: 'A81001', source: 'jwt' };
const signer = (key: string, clock: Clock = systemClock) =>
  AssertionSigner.create(
    { signingKeyPem: key, publishedKeysPem: [], issuer: 'patient-record-gateway', ttlSeconds: 5 },
    clock,
  );
const otherKey = generateKeyPairSync('ec', {
  namedCurve: 'P-256',
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
}).privateKey;
const anHourAgo: Clock = { ...systemClock, now: () => Date.now() - 3_600_000 };

/** A request straight to the GP supplier, as an attacker inside the network would send it. */
const toSupplier =
  (authorization: () => Promise<string | undefined>, nhsNumber = fixtures.restricted): Send =>
  async (stack) => {
    const value = await authorization();
    return raw(new URL(stack.gp.url).origin, {
      body: entitiesOf(nhsNumber),
      headers: { 'content-type': 'application/json', ...(value ? { authorization: value } : {}) },
    });
  };
const signed = (key: string, audience: string, clock?: Clock) => async () =>
  `Bearer ${(await signer(key, clock)).sign(clinician, 'security-suite', audience)}`;

/** Suppliers trust no caller but the gateway, and have no test hooks in production. */
export const SUPPLIERS: readonly Row[] = [
  row(
    'a supplier asked with the gateway assertion (control)',
    toSupplier(signed(TEST_ASSERTION_KEY, 'gp'), fixtures.sample),
    200,
    undefined,
    { patientData: true },
  ),
  row(
    'a supplier asked with no assertion',
    toSupplier(() => Promise.resolve(undefined)),
    401,
    'UNAUTHENTICATED',
  ),
  row(
    'a supplier asked with an assertion signed by another key',
    toSupplier(signed(otherKey, 'gp')),
    401,
    'UNAUTHENTICATED',
  ),
  row(
    'a supplier asked with an expired assertion',
    toSupplier(signed(TEST_ASSERTION_KEY, 'gp', anHourAgo)),
    401,
    'UNAUTHENTICATED',
  ),
  row(
    "a supplier asked with another supplier's assertion",
    toSupplier(signed(TEST_ASSERTION_KEY, 'hospital')),
    401,
    'UNAUTHENTICATED',
  ),
  row(
    "a supplier asked with a clinician's own JWT",
    toSupplier(async () => `Bearer ${await tokenFor()}`),
    401,
    'UNAUTHENTICATED',
  ),
  row(
    'a production supplier asked for its fault switch',
    (stack) =>
      raw(new URL(stack.productionSupplier).origin, {
        method: 'PUT',
        path: '/__faults',
        body: json({ mode: 'hang' }),
      }),
    404,
    undefined,
  ),
  row(
    'a production supplier asked for its stats',
    (stack) => raw(new URL(stack.productionSupplier).origin, { method: 'GET', path: '/__stats' }),
    404,
    undefined,
  ),
];

/**
 * A compromised or broken supplier: whatever it sends, nothing it should not is shown or cached. Each case
 * breaks the GP supplier, asks for a patient never asked about before, then heals it and resets its breaker.
 */
const compromised =
  (mode: string, then?: (first: Answer, stack: SecurityStack, n: string) => Promise<void>): Send =>
  async (stack) => {
    const n = nextPatient();
    await stack.gp.faults({ mode: mode as 'none' });
    try {
      const first = await query(`{ patient(nhsNumber: "${n}") { nhsNumber medications { id } } }`)(stack);
      await then?.(first, stack, n);
      return first;
    } finally {
      await stack.gp.faults({ mode: 'none' });
      await ops('/api/suppliers/gp/reset', { method: 'POST', body: json(reason) })(stack);
    }
  };
const unavailable =
  (...why: string[]) =>
  (a: Answer) => {
    const body = a.json as {
      data: { patient: { medications: unknown } };
      errors: { extensions: Record<string, unknown> }[];
    };
    expect(body.data.patient.medications).toBeNull();
    expect(body.errors[0]!.extensions).toMatchObject({ serviceName: 'gp' });
    expect(why).toContain(body.errors[0]!.extensions.reason);
  };

export const COMPROMISED_SUPPLIER: readonly Row[] = [
  row(
    "a supplier answering with another patient's record",
    compromised('wrong-patient', async (_, stack, n) => {
      // Nothing from the poisoned answer was kept: with the supplier now failing, there is no copy to serve.
      await stack.gp.faults({ mode: 'http-500' });
      const again = await query(`{ patient(nhsNumber: "${n}") { nhsNumber medications { id } } }`)(stack);
      unavailable('HTTP_STATUS')(again);
    }),
    200,
    'SUPPLIER_UNAVAILABLE',
    { failsSupplier: true, patientData: true, check: unavailable('IDENTITY_MISMATCH') },
  ),
  row('a supplier answering with HTML', compromised('malformed'), 200, 'SUPPLIER_UNAVAILABLE', {
    failsSupplier: true,
    patientData: true,
    check: unavailable('MALFORMED_RESPONSE'),
  }),
  row('a supplier cutting its answer short', compromised('truncated'), 200, 'SUPPLIER_UNAVAILABLE', {
    failsSupplier: true,
    patientData: true,
    // Half a body then a reset: read as cut short, or as the connection failing, by timing.
    check: unavailable('MALFORMED_RESPONSE', 'CONNECTION_FAILED'),
  }),
  row('a supplier reporting its own failure', compromised('graphql-error'), 200, 'SUPPLIER_UNAVAILABLE', {
    failsSupplier: true,
    patientData: true,
    check: unavailable('SUPPLIER_ERROR'),
  }),
];
