/**
 * The supplier registry over real processes and a real Redis: two gateway replicas, reference suppliers,
 * and suppliers that register while the gateways run. Each change goes through the gates, live on both
 * replicas without a restart; refusals name what failed; a replica started with Redis down serves its
 * last-known-good copy.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../gateway/app.js';
import { ownSdl } from '../../schema/index.js';
import { PRACTICES } from '../../subgraphs/synthetic/index.js';
import {
  startPrivateRedis,
  startSupplier,
  TEST_ASSERTION_KEY,
  type PrivateRedis,
  type TestSupplier,
} from '../../lib/testbed/index.js';
import { eventually, graphql, startTestGateway, TEST_OPS_TOKEN } from '../helpers/gateway.js';
import { fixtures, nextPatient, record } from '../helpers/scenario.js';

type Availability = Record<string, { domain: string; status: string }>;
/** Each supplier the answer reached, with whether its sections were LIVE, STALE, FALLBACK or UNAVAILABLE. */
const availabilityOf = (body: { extensions?: Record<string, unknown> }) =>
  (body.extensions?.availability as Availability | undefined) ?? {};

const scratch = mkdtempSync(join(tmpdir(), 'prag-registry-test-'));
const file = (name: string, text: string) => {
  const path = join(scratch, name);
  writeFileSync(path, text);
  return path;
};
/** The GP contract's next version: medications say why they were prescribed. */
const NEXT_GP_SDL = ownSdl('gp').replace(
  'type Medication {\n  id: ID!',
  'type Medication {\n  id: ID!\n  "Why it was prescribed, as the prescriber wrote it."\n  indication: String',
);
/** A GP system that has dropped the dose from its medications. */
const NO_DOSAGE_SDL = ownSdl('gp').replace('\n  dosage: String!', '');

function cli(args: string[], token: string, url: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'scripts/registry.ts', ...args],
      { env: { ...process.env, REGISTRY_URL: url, REGISTRY_TOKEN: token }, timeout: 60_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, out: `${stdout}${stderr}` }),
    );
  });
}

/** The registry API's answers, as far as these tests read them. */
interface ApiBody {
  readonly error?: { readonly code: string; readonly message: string };
  readonly revision?: number;
  readonly ok?: boolean;
  readonly code?: string;
  readonly message?: string;
  readonly token?: string;
  readonly active?: number;
  readonly runtime?: { readonly revision: number; readonly source: string };
}

async function api(gateway: RunningGateway, path: string, body?: unknown, token = TEST_OPS_TOKEN) {
  const response = await fetch(`${gateway.ops.url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as ApiBody };
}

const supplierEntry = (supplier: TestSupplier, organisations: string[] = []) => ({
  kind: 'supplier',
  name: supplier.name,
  domain: 'gp',
  url: supplier.url,
  organisations,
  contact: 'service-desk@example.nhs.uk',
});

describe('the supplier registry', () => {
  let redis: PrivateRedis;
  let gp: TestSupplier;
  let hospital: TestSupplier;
  const candidates: TestSupplier[] = [];
  let primary: RunningGateway;
  let replica: RunningGateway;
  const lastKnownGood = join(scratch, 'primary-last-known-good.json');

  beforeAll(async () => {
    // The GP supplier already serves the contract's next version (an extra field answers null for now).
    [redis, gp, hospital] = await Promise.all([
      startPrivateRedis(),
      startSupplier('gp', { SUPPLIER_SDL_FILE: file('gp-next.graphql', NEXT_GP_SDL) }),
      startSupplier('hospital'),
    ]);
    const env = { REDIS_URL: redis.url, BREAKER_IDLE_PROBE_MS: '0', REGISTRY_APPROVAL: 'none' };
    primary = await startTestGateway([gp, hospital], { ...env, REGISTRY_STATE_FILE: lastKnownGood });
    replica = await startTestGateway([gp, hospital], env);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([primary?.close(), replica?.close()]);
    await Promise.all([gp, hospital, ...candidates].map((s) => s?.stop()));
    await redis?.stop();
  });

  it('registers a new GP system through the CLI, live on every replica without a restart', async () => {
    const dogwood = await startSupplier('gp-dogwood', {
      SUPPLIER_KIND: 'gp-system',
      SUPPLIER_ORGANISATIONS: 'P81999',
      SUPPLIER_SDL_FILE: file('gp-next.graphql', NEXT_GP_SDL),
    });
    candidates.push(dogwood);
    const patient = fixtures.outOfArea;
    const before = await record(primary, patient);
    expect(availabilityOf(before.body)['gp-dogwood']).toBeUndefined();

    const issued = await cli(
      ['credential', 'gp-dogwood', '--reason', 'onboarding CR-101'],
      TEST_OPS_TOKEN,
      primary.ops.url,
    );
    expect(issued.code, issued.out).toBe(0);
    const token = /prs_\S+/.exec(issued.out)![0];
    const entryFile = file(
      'dogwood.yaml',
      [
        'kind: supplier',
        'name: gp-dogwood',
        'domain: gp',
        `url: ${dogwood.url}`,
        'organisations: [P81999]',
        'newOrganisations: [{ odsCode: P81999, name: Lakeside Practice }]',
        'contact: service-desk@dogwood.example',
      ].join('\n'),
    );
    const checked = await cli(['check', entryFile], token, primary.ops.url);
    expect(checked.code, checked.out).toBe(0);
    expect(checked.out).toMatch(/✓ conformance/);
    const published = await cli(['publish', entryFile, '--reason', 'go-live CR-101'], token, primary.ops.url);
    expect(published.code, published.out).toBe(0);
    expect(published.out).toContain('supplier/gp-dogwood version 1: active');

    for (const gateway of [primary, replica]) {
      await eventually(
        async () => {
          const after = await record(gateway, patient);
          return availabilityOf(after.body)['gp-dogwood']?.status === 'LIVE';
        },
        10_000,
        'the new supplier serving its practice',
      );
    }
    const history = await cli(['history', 'supplier/gp-dogwood'], token, primary.ops.url);
    expect(history.out).toMatch(/publish\s+v1 -> in service v1 by supplier:gp-dogwood: go-live CR-101/);
  }, 90_000);

  it("refuses a supplier's credential on another supplier's entry, and on domains", async () => {
    const issued = await api(primary, '/api/registry/credentials/gp-maple', { reason: 'onboarding CR-102' });
    const token = issued.body.token!;
    const other = await api(primary, '/api/registry/check', { entry: supplierEntry(gp) }, token);
    expect(other.status).toBe(403);
    expect(other.body.error?.code).toBe('NOT_YOUR_ENTRY');
    const domain = await api(
      primary,
      '/api/registry/check',
      { entry: { kind: 'domain', name: 'gp', serves: 'practice', sdl: NEXT_GP_SDL } },
      token,
    );
    expect(domain.body.error?.code).toBe('OPERATOR_ONLY');
  });

  it('refuses a supplier that answers for the wrong patient, naming the failing check', async () => {
    const elm = await startSupplier('gp-elm', {
      SUPPLIER_KIND: 'gp-system',
      SUPPLIER_ORGANISATIONS: PRACTICES.map((p) => p.odsCode).join(','),
    });
    candidates.push(elm);
    await elm.faults({ mode: 'wrong-patient' });
    const revision = (await api(primary, '/api/registry')).body.revision as number;
    const refused = await api(primary, '/api/registry/entries', {
      entry: supplierEntry(elm),
      reason: 'go-live',
    });
    expect(refused.status).toBe(422);
    expect(refused.body.error?.code).toBe('CONFORMANCE_FAILED');
    expect(refused.body.error?.message).toContain('RIGHT_PATIENT');
    expect((await api(primary, '/api/registry')).body.revision).toBe(revision);
  }, 30_000);

  it('refuses a supplier missing a field operations sent to any replica read, naming the field and the operation', async () => {
    const doses =
      'query MedicationDoses($n: String!) { patient(nhsNumber: $n) { medications { id dosage } } }';
    // Sent to the other replica: what any replica served counts (the usage store is shared through Redis).
    const response = await fetch(replica.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'apollographql-client-name': 'ward-round-app' },
      body: JSON.stringify({ query: doses, variables: { n: nextPatient() } }),
    });
    expect(response.status).toBe(200);
    // The other replica's record reaches Redis first (it is written again once Redis is back, after a
    // test that restarted it): only then is the check about what every replica served.
    const shared = new Redis(redis.url);
    await eventually(
      async () =>
        Object.values(await shared.hgetall('prag:v1:usage')).some((t) => t.includes('MedicationDoses')),
      10_000,
      'the operation in the shared usage record',
    );
    shared.disconnect();
    const fir = await startSupplier('gp-fir', {
      SUPPLIER_KIND: 'gp-system',
      SUPPLIER_SDL_FILE: file('no-dosage.graphql', NO_DOSAGE_SDL),
    });
    candidates.push(fir);
    const refused = await api(primary, '/api/registry/check', { entry: supplierEntry(fir) });
    expect(refused.body.ok).toBe(false);
    expect(refused.body.code).toBe('BREAKING_CHANGE_IN_USE');
    expect(refused.body.message).toContain('Medication.dosage');
    expect(refused.body.message).toContain('MedicationDoses from ward-round-app');
  }, 30_000);

  it('runs the conformance suite from the CLI, as a supplier would before registering', async () => {
    const key = file('signing-key.pem', TEST_ASSERTION_KEY);
    const args = ['conformance', '--url', gp.url, '--name', 'gp', '--domain', 'gp', '--signing-key', key];
    const passed = await cli(args, '', primary.ops.url);
    expect(passed.code, passed.out).toBe(0);
    expect(passed.out).toMatch(/✓ RIGHT_PATIENT/);
    expect(passed.out).toContain('conformant');
    const wrongAudience = await cli([...args.slice(0, 4), 'gp-other', ...args.slice(5)], '', primary.ops.url);
    expect(wrongAudience.code, wrongAudience.out).toBe(1);
    expect(wrongAudience.out).toMatch(/✗ FIELDS_RESOLVE/);
    expect(wrongAudience.out).toContain('NOT conformant');
  }, 60_000);

  it('upgrades the GP contract under load with no failed request, then rolls it back', async () => {
    const INDICATION =
      'query Indication($n: String!) { patient(nhsNumber: $n) { medications { id indication } } }';
    expect((await graphql(primary.url, INDICATION, { n: nextPatient() })).status).toBe(400);
    const patients = [nextPatient(), nextPatient(), nextPatient(), nextPatient()];
    let done = false;
    const outcomes = { ok: 0, failed: [] as string[] };
    const worker = async (n: string) => {
      while (!done) {
        for (const gateway of [primary, replica]) {
          try {
            const r = await record(gateway, n);
            const sections = Object.values(availabilityOf(r.body));
            const live = sections.length === 2 && sections.every((s) => s.status === 'LIVE');
            if (r.status === 200 && !r.body.errors && live) outcomes.ok++;
            else outcomes.failed.push(`${r.status} ${JSON.stringify(r.body.errors ?? sections)}`);
          } catch (error) {
            outcomes.failed.push(String(error));
          }
        }
      }
    };
    const load = Promise.all(patients.map(worker));
    try {
      await eventually(() => outcomes.ok > 20, 10_000, 'load running');
      const upgraded = await api(primary, '/api/registry/entries', {
        entry: { kind: 'domain', name: 'gp', serves: 'practice', sdl: NEXT_GP_SDL },
        reason: 'GP contract v2: medication indication',
      });
      expect(upgraded.status, JSON.stringify(upgraded.body)).toBe(201);
      for (const gateway of [primary, replica]) {
        await eventually(
          async () => (await graphql(gateway.url, INDICATION, { n: patients[0]! })).status === 200,
          10_000,
          'new contract served',
        );
      }
      const during = outcomes.ok;
      await eventually(() => outcomes.ok > during + 20, 10_000, 'load after the swap');
      const rolledBack = await api(primary, '/api/registry/entries/domain/gp/rollback', {
        reason: 'rehearsal',
      });
      expect(rolledBack.status, JSON.stringify(rolledBack.body)).toBe(200);
      expect(rolledBack.body.active).toBe(0);
    } finally {
      done = true;
      await load;
    }
    expect(outcomes.failed).toEqual([]);
    expect((await graphql(primary.url, INDICATION, { n: patients[0]! })).status).toBe(400);
  }, 90_000);

  it('starts a replica from its last-known-good copy while Redis is down, and says so', async () => {
    // Something of its own in the registry, so the copy on disk holds more than the configuration.
    const pharmacy = {
      kind: 'domain',
      name: 'pharmacy',
      serves: 'pharmacy',
      sdl: 'extend type Patient @key(fields: "nhsNumber") {\n  nhsNumber: String! @external\n  dispensed: [Dispense!]\n}\ntype Dispense {\n  id: ID!\n}\n',
    };
    const published = await api(primary, '/api/registry/entries', {
      entry: pharmacy,
      reason: 'pharmacy pilot',
    });
    expect(published.status, JSON.stringify(published.body)).toBe(201);
    const { revision } = (await api(primary, '/api/registry')).body as { revision: number };
    await eventually(
      async () => (await api(primary, '/api/registry')).body.runtime?.revision === revision,
      5_000,
      'primary applied',
    );
    await redis.kill();
    const restarted = await startTestGateway([gp, hospital], {
      REDIS_URL: redis.url,
      BREAKER_IDLE_PROBE_MS: '0',
      REGISTRY_STATE_FILE: lastKnownGood,
    });
    try {
      const ready = (await (await fetch(`${restarted.ops.url}/readyz`)).json()) as {
        registry: { source: string; revision: number };
      };
      expect(ready.registry).toMatchObject({ source: 'last-known-good', revision });
      // It serves the supergraph of that copy: the pharmacy domain's field is in its schema.
      const dispensed = await graphql(
        restarted.url,
        'query D($n: String!) { patient(nhsNumber: $n) { dispensed { id } } }',
        {
          n: nextPatient(),
        },
      );
      expect(dispensed.status).toBe(200);
      const refused = await api(restarted, '/api/registry/entries/domain/pharmacy/rollback', {
        reason: 'while Redis is down',
      });
      expect(refused.status).toBe(503);
      expect(refused.body.error?.code).toBe('REGISTRY_UNAVAILABLE');
    } finally {
      await restarted.close();
      await redis.restart();
      // Back on the shared state before any other test changes it: a change commits again (Redis is back),
      // and the other replica hears of it.
      await eventually(
        async () =>
          (await api(primary, '/api/registry/entries/domain/pharmacy/rollback', { reason: 'pilot over' }))
            .status === 200,
        15_000,
        'a registry change to commit through Redis again',
      );
      const shared = (await api(primary, '/api/registry')).body.revision;
      await eventually(
        async () => (await api(replica, '/api/registry')).body.runtime?.revision === shared,
        15_000,
        'the other replica to serve the shared revision',
      );
    }
  }, 60_000);
});
