import { createSecretKey } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../gateway/app.js';
import type { TestSupplier } from '../../lib/testbed/index.js';
import { eventually, startProcesses, startTestGateway, type TestProcesses } from '../helpers/gateway.js';
import { fixtures, nextPatient, RECORD, WriteCounter } from '../helpers/scenario.js';

const SECRET = 'integration-test-jwt-secret-0123456789';
const ISSUER = 'https://identity.test';
const AUDIENCE = 'patient-record-gateway';

const tokenFor = (claims: { sub: string; role: string; org: string }) =>
  new SignJWT({ role: claims.role, org: claims.org })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(claims.sub)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setExpirationTime('10m')
    .sign(createSecretKey(Buffer.from(SECRET)));

describe('clinician identity and the audit trail', () => {
  let processes: TestProcesses;
  let gp: TestSupplier;
  let gateway: RunningGateway;
  let auditFile: string;
  let token: string;
  const writes = new WriteCounter();
  const audit = () =>
    readFileSync(auditFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  const ask = (query: string, variables: Record<string, unknown>, authorization?: string) =>
    fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
      body: JSON.stringify({ query, variables }),
    });

  beforeAll(async () => {
    processes = await startProcesses();
    ({ gp } = processes);
    auditFile = join(mkdtempSync(join(tmpdir(), 'prag-audit-test-')), 'audit.log');
    gateway = await startTestGateway(
      [processes.gp, processes.hospital],
      {
        AUTH_MODE: 'jwt',
        AUTH_JWT_SECRET: SECRET,
        AUTH_JWT_ISSUER: ISSUER,
        AUTH_JWT_AUDIENCE: AUDIENCE,
        AUDIT_LOG: auditFile,
        // No idle probes: tests here count the requests each supplier received, and who made the last.
        BREAKER_IDLE_PROBE_MS: '0',
      },
      { cacheObserver: writes },
    );
    token = await tokenFor({ sub: 'dr-okafor', role: 'R8000', org: 'A81001' });
  });
  afterAll(async () => {
    await gateway?.close();
    await processes?.stop();
  });

  it('refuses a request without a valid token, looks nothing up, and audits the refusal', async () => {
    const before = (await gp.stats()).requests;
    // Only what this test causes counts: other tests of the file may have written records already.
    const earlier = audit().length;
    const mine = () => audit().slice(earlier);
    for (const authorization of [undefined, 'Bearer not.a.token', `Bearer ${token.slice(0, -2)}xx`]) {
      const response = await ask(RECORD, { n: fixtures.sample }, authorization);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer');
      expect(
        ((await response.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions
          .code,
      ).toBe('UNAUTHENTICATED');
    }
    expect((await gp.stats()).requests).toBe(before);
    await eventually(
      () => mine().filter((r) => r.type === 'access-denied').length === 3,
      3_000,
      'denied records',
    );
    expect(mine().some((r) => r.type === 'record-access')).toBe(false);
  });

  it("sends the clinician's identity to every supplier and audits who saw which patient, live or stale", async () => {
    const n = nextPatient();
    const live = await ask(RECORD, { n }, `Bearer ${token}`);
    expect(live.status).toBe(200);
    // Verified by the supplier from the gateway's signed assertion, with the request id it belongs to.
    expect((await gp.stats()).lastCaller).toEqual({
      userId: 'dr-okafor',
      role: 'R8000',
      org: 'A81001',
      requestId: live.headers.get('x-request-id'),
    });
    await eventually(() => audit().some((r) => r.patient === n), 3_000, 'the audit record');
    expect(audit().find((r) => r.patient === n)).toMatchObject({
      type: 'record-access',
      user: { id: 'dr-okafor', role: 'R8000', org: 'A81001', source: 'jwt' },
      outcome: 'found',
      operation: 'Record',
      requested: ['allergies', 'demographics', 'encounters', 'labResults', 'medications', 'nhsNumber'],
      suppliers: { gp: { status: 'LIVE' }, hospital: { status: 'LIVE' } },
      requestId: live.headers.get('x-request-id'),
    });
    await eventually(() => writes.count('gp') > 0, 3_000, 'cache write');
    await gp.kill();
    await ask(RECORD, { n }, `Bearer ${token}`);
    await eventually(() => audit().filter((r) => r.patient === n).length === 2, 3_000, 'the second record');
    const stale = audit().filter((r) => r.patient === n)[1]!;
    expect(stale.suppliers).toEqual({
      gp: { status: 'STALE', asOf: expect.any(String) },
      hospital: { status: 'LIVE' },
    });
    await gp.restart();
  });

  it('audits every number in a clinic list, including unknown and invalid ones', async () => {
    const known = nextPatient();
    const response = await ask(
      'query($ns: [String!]!) { patients(nhsNumbers: $ns) { nhsNumber } }',
      { ns: [known, fixtures.unknown, '12345'] },
      `Bearer ${token}`,
    );
    expect(response.status).toBe(200);
    await eventually(() => audit().some((r) => r.patient === '12345'), 3_000, 'records for the list');
    const outcomes = Object.fromEntries(
      audit()
        .filter((r) => [known, fixtures.unknown, '12345'].includes(r.patient as string))
        .map((r) => [r.patient, r.outcome]),
    );
    expect(outcomes).toEqual({
      [known]: 'found',
      [fixtures.unknown]: 'not_found',
      '12345': 'invalid_nhs_number',
    });
  });

  it('writes one record per patient actually looked up, however many aliases ask for them', async () => {
    const [first, second] = [nextPatient(), nextPatient()];
    const response = await ask(
      `query Twice($a: String!, $b: String!) { x: patient(nhsNumber: $a) { nhsNumber }
        y: patient(nhsNumber: $a) { nhsNumber } z: patients(nhsNumbers: [$a, $b, $a]) { nhsNumber } }`,
      { a: first, b: second },
      `Bearer ${token}`,
    );
    expect(response.status).toBe(200);
    await eventually(() => audit().some((r) => r.patient === second), 3_000, 'records for the request');
    const records = audit().filter((r) => r.requestId === response.headers.get('x-request-id'));
    expect(records.map((r) => r.patient).sort()).toEqual([first, second].sort());
  });
});
