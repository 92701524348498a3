/**
 * What the registry refuses, and that a refusal changes nothing: each bad input over the real API of a
 * gateway in front of real suppliers, answered with its documented code (docs/registry.md).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../gateway/app.js';
import { ownSdl } from '../../schema/index.js';
import { freePort, startSupplier, type TestSupplier } from '../../lib/testbed/index.js';
import { startTestGateway, TEST_OPS_TOKEN } from '../helpers/gateway.js';

interface Answer {
  readonly status: number;
  readonly body: {
    readonly error?: {
      code: string;
      message: string;
      errors?: string[];
      gates?: { gate: string; status: string }[];
    };
    readonly revision?: number;
    readonly state?: string;
    readonly active?: number;
    readonly token?: string;
  };
}

const domain = (name: string, sdl: string, serves = 'pharmacy') => ({ kind: 'domain', name, serves, sdl });
const patientFields = (fields: string) =>
  `extend type Patient @key(fields: "nhsNumber") {\n  nhsNumber: String! @external\n  ${fields}\n}\n`;
const PHARMACY_V1 = `${patientFields('dispensed: [Dispense!]')}type Dispense {\n  id: ID!\n}\n`;
const PHARMACY_V2 = `${patientFields('dispensed: [Dispensing!]')}type Dispensing {\n  id: ID!\n}\n`;
const DENTAL = `${patientFields('dentalSupplies: [Dispense!]')}type Dispense {\n  id: ID!\n  code: String\n}\n`;

describe('registry refusals', () => {
  let gp: TestSupplier;
  let hospital: TestSupplier;
  let gateway: RunningGateway;
  let approvals: RunningGateway;

  const call = async (
    path: string,
    body?: unknown,
    token = TEST_OPS_TOKEN,
    target = gateway,
  ): Promise<Answer> => {
    const response = await fetch(`${target.ops.url}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as Answer['body'] };
  };
  const publish = (entry: unknown, target = gateway, token = TEST_OPS_TOKEN) =>
    call('/api/registry/entries', { entry, reason: 'test change' }, token, target);
  /** The reference GP supplier's own entry, as it would register itself. */
  const gpEntry = () => ({
    kind: 'supplier',
    name: 'gp',
    domain: 'gp',
    url: gp.url,
    organisations: gp.serves,
    contact: 'desk@gp.example',
  });
  const revision = async () => (await call('/api/registry')).body.revision;

  beforeAll(async () => {
    [gp, hospital] = await Promise.all([startSupplier('gp'), startSupplier('hospital')]);
    gateway = await startTestGateway([gp, hospital], {
      BREAKER_IDLE_PROBE_MS: '0',
      REGISTRY_APPROVAL: 'none',
      REGISTRY_ENDPOINT_HOSTS: '127.0.0.1,*.supplier.example',
    });
    approvals = await startTestGateway([gp, hospital], {
      BREAKER_IDLE_PROBE_MS: '0',
      REGISTRY_APPROVAL: 'suppliers',
    });
  }, 60_000);
  afterAll(async () => {
    await Promise.all([gateway?.close(), approvals?.close()]);
    await Promise.all([gp?.stop(), hospital?.stop()]);
  });

  it.each([
    ['no credential', '/api/registry', undefined, 'nobody', 401, 'REGISTRY_UNAUTHENTICATED'],
    [
      'a body that is no entry',
      '/api/registry/check',
      { entry: { kind: 'supplier', name: 'X' } },
      TEST_OPS_TOKEN,
      400,
      'INVALID_ENTRY',
    ],
    [
      'a change without a reason',
      '/api/registry/entries',
      { entry: domain('pharmacy', PHARMACY_V1) },
      TEST_OPS_TOKEN,
      400,
      'REASON_REQUIRED',
    ],
    [
      'an unknown entry',
      '/api/registry/entries/supplier/gp-nobody',
      undefined,
      TEST_OPS_TOKEN,
      404,
      'UNKNOWN_ENTRY',
    ],
    [
      'a version that is no number',
      '/api/registry/entries/supplier/gp/rollback',
      { reason: 'oops', to: 'latest' },
      TEST_OPS_TOKEN,
      400,
      'INVALID_VERSION',
    ],
  ])('refuses %s', async (_, path, body, token, status, code) => {
    const before = await revision();
    const answer = await call(path, body, token);
    expect(answer.status).toBe(status);
    expect(answer.body.error?.code).toBe(code);
    expect(await revision()).toBe(before);
  });

  it.each([
    [
      'an unknown domain',
      {
        kind: 'supplier',
        name: 'gp-x',
        domain: 'dentistry',
        url: 'http://127.0.0.1:1/graphql',
        contact: 'desk@x.example',
      },
      'UNKNOWN_DOMAIN',
    ],
    ['SDL that does not parse', domain('pharmacy', 'extend type Patient {'), 'INVALID_SDL'],
    [
      'a contract with a root field',
      domain('pharmacy', `${PHARMACY_V1}type Query {\n  everyone: [Dispense]\n}\n`),
      'CONTRACT_VIOLATION',
    ],
    [
      'a claim on another supplier’s practice',
      {
        kind: 'supplier',
        name: 'gp-x',
        domain: 'gp',
        url: 'http://127.0.0.1:1/graphql',
        organisations: ['A81001'],
        contact: 'desk@x.example',
      },
      'MARKET_CONFLICT',
    ],
  ])('refuses %s through its gate, changing nothing', async (_, entry, code) => {
    const before = await revision();
    const answer = await publish(entry);
    expect(answer.status).toBe(422);
    expect(answer.body.error?.code).toBe(code);
    expect(await revision()).toBe(before);
  });

  it('refuses an endpoint outside REGISTRY_ENDPOINT_HOSTS without calling it', async () => {
    const entry = {
      kind: 'supplier',
      name: 'gp-meta',
      domain: 'gp',
      url: 'http://169.254.169.254/latest/meta-data',
      contact: 'desk@x.example',
    };
    const answer = await publish(entry);
    expect(answer.body.error?.code).toBe('ENDPOINT_NOT_ALLOWED');
    expect(answer.body.error?.message).toContain('169.254.169.254 is not one of REGISTRY_ENDPOINT_HOSTS');
  });

  it('lets a supplier roll back only to an earlier version, and a revoked credential stops at once', async () => {
    const issued = await call('/api/registry/credentials/gp', { reason: 'CR-8' });
    const token = issued.body.token!;
    const entry = gpEntry();
    expect((await publish(entry, gateway, token)).status).toBe(201);
    expect((await publish({ ...entry, contact: 'new-desk@gp.example' }, gateway, token)).status).toBe(201);
    const operatorRollback = await call('/api/registry/entries/supplier/gp/rollback', {
      reason: 'incident',
      to: 1,
    });
    expect(operatorRollback.body.active).toBe(1);
    const forward = await call(
      '/api/registry/entries/supplier/gp/rollback',
      { reason: 'undo that', to: 2 },
      token,
    );
    expect(forward.body.error?.code).toBe('NOT_A_ROLLBACK_TARGET');
    const revoked = await fetch(`${gateway.ops.url}/api/registry/credentials/gp`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${TEST_OPS_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'supplier left' }),
    });
    expect(revoked.status).toBe(200);
    expect((await call('/api/registry', undefined, token)).body.error?.code).toBe('REGISTRY_UNAUTHENTICATED');
  }, 30_000);

  it('refuses an endpoint that is down', async () => {
    const url = `http://127.0.0.1:${await freePort()}/graphql`;
    const answer = await publish({
      kind: 'supplier',
      name: 'gp-down',
      domain: 'gp',
      url,
      contact: 'desk@x.example',
    });
    expect(answer.body.error?.code).toBe('ENDPOINT_UNREACHABLE');
    expect(answer.body.error?.gates?.map((g) => `${g.gate}:${g.status}`)).toEqual([
      'market:passed',
      'contract:skipped',
      'composition:skipped',
      'health:failed',
      'breaking-changes:skipped',
      'conformance:skipped',
    ]);
  });

  it('returns composition errors verbatim, and refuses a rollback that would no longer compose', async () => {
    expect((await publish(domain('pharmacy', PHARMACY_V1))).status).toBe(201);
    const clash = await publish(domain('dental', DENTAL));
    expect(clash.body.error?.code).toBe('COMPOSITION_FAILED');
    expect(clash.body.error?.message).toMatch(/Dispense/);
    expect((await publish(domain('pharmacy', PHARMACY_V2))).status).toBe(201);
    expect((await publish(domain('dental', DENTAL))).status).toBe(201);
    const before = await revision();
    const rollback = await call('/api/registry/entries/domain/pharmacy/rollback', {
      reason: 'back to v1',
      to: 1,
    });
    expect(rollback.status).toBe(422);
    expect(rollback.body.error?.code).toBe('ROLLBACK_REFUSED');
    expect(await revision()).toBe(before);
    const notTarget = await call('/api/registry/entries/domain/pharmacy/rollback', { reason: 'same', to: 2 });
    expect(notTarget.body.error?.code).toBe('NOT_A_ROLLBACK_TARGET');
  }, 30_000);

  it('lets one of two concurrent publishes of an entry win; the other gets a conflict', async () => {
    const twice = await Promise.all([
      publish(domain('gp', ownSdl('gp'), 'practice')),
      publish(domain('gp', ownSdl('gp'), 'practice')),
    ]);
    expect(twice.map((a) => a.status).sort(), JSON.stringify(twice)).toEqual([201, 409]);
    expect(twice.find((a) => a.status === 409)?.body.error?.code).toBe('REGISTRY_CONFLICT');
  }, 30_000);

  it("holds a supplier's publish for an operator's approval when so configured", async () => {
    const issued = await call('/api/registry/credentials/gp', { reason: 'CR-7' }, TEST_OPS_TOKEN, approvals);
    const entry = gpEntry();
    const pending = await publish(entry, approvals, issued.body.token);
    expect(pending.status).toBe(201);
    expect(pending.body.state).toBe('pending-approval');
    const byItself = await call(
      '/api/registry/entries/supplier/gp/versions/1/approve',
      { reason: 'self-approval' },
      issued.body.token,
      approvals,
    );
    expect(byItself.body.error?.code).toBe('OPERATOR_ONLY');
    const approved = await call(
      '/api/registry/entries/supplier/gp/versions/1/approve',
      { reason: 'CAB ok' },
      TEST_OPS_TOKEN,
      approvals,
    );
    expect(approved.status).toBe(200);
    expect(approved.body.active).toBe(1);
    const again = await call(
      '/api/registry/entries/supplier/gp/versions/1/reject',
      { reason: 'late' },
      TEST_OPS_TOKEN,
      approvals,
    );
    expect(again.body.error?.code).toBe('NOT_PENDING');
  }, 30_000);
});
