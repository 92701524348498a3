/**
 * Practices moving between GP systems, over real processes: a migration scheduled for a cut-over time
 * takes effect at that time on every replica, under load, with nothing failing and the old system no longer
 * asked; until the new system has answered for a patient, the old one's last copy may stand in, labelled
 * as the old one's. Operators can cancel before the cut-over and roll back after it.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../gateway/app.js';
import {
  startPrivateRedis,
  startSupplier,
  type PrivateRedis,
  type TestSupplier,
} from '../../lib/testbed/index.js';
import { eventually, graphql, redisUp, startTestGateway, TEST_OPS_TOKEN } from '../helpers/gateway.js';
import { ops } from '../helpers/ops.js';
import { population } from '../helpers/scenario.js';

const patientsOf = (practice: string, count: number) =>
  population.patients
    .filter(
      (p) =>
        p.gp && p.demographics.registeredPracticeOds === practice && p.demographics.securityLabel === 'U',
    )
    .slice(0, count)
    .map((p) => p.demographics.nhsNumber);

const LIST = `query($ns: [String!]!) { patients(nhsNumbers: $ns) { nhsNumber medications { id } } }`;
const reason = 'contract moves to the Birch system';

type Answer = {
  status: number;
  errors?: unknown[];
  availability: Record<string, { status: string }>;
  started: number;
  ended: number;
};

describe('practice migration between GP systems', () => {
  let aurora: TestSupplier;
  let birch: TestSupplier;
  let others: TestSupplier[];
  let redis: PrivateRedis;
  let gateway: RunningGateway;
  let replica: RunningGateway;

  beforeAll(async () => {
    let cedar: TestSupplier;
    let hospital: TestSupplier;
    [aurora, birch, cedar, hospital, redis] = await Promise.all([
      startSupplier('gp-aurora'),
      // Birch holds the practices' records ahead of their cut-overs (the final data load), serving only its own.
      startSupplier(
        'gp-birch',
        { SUPPLIER_ORGANISATIONS: 'B82005,B82010,D82044,A81001,A81002' },
        { serves: ['B82005', 'B82010', 'D82044'] },
      ),
      startSupplier('gp-cedar'),
      startSupplier('hospital'),
      startPrivateRedis(),
    ]);
    others = [cedar, hospital];
    const env = { REDIS_URL: redis.url, BREAKER_IDLE_PROBE_MS: '0' };
    [gateway, replica] = await Promise.all([
      startTestGateway([aurora, birch, ...others], env),
      startTestGateway([aurora, birch, ...others], env),
    ]);
    await eventually(() => redisUp(gateway) && redisUp(replica), 5_000, 'redis');
  }, 60_000);
  afterAll(async () => {
    await Promise.all([gateway?.close(), replica?.close()]);
    await Promise.all([aurora, birch, ...others, redis].map((p) => p?.stop()));
  });
  beforeEach(async () => {
    await Promise.all([aurora.faults({ mode: 'none' }), birch.faults({ mode: 'none' })]);
    for (const g of [gateway, replica]) for (const s of g.suppliers) s.breaker.reset('test set-up');
  });

  const schedule = (organisation: string, cutover: number, to = 'gp-birch') =>
    ops(gateway.ops.url, '/api/migrations', {
      body: { organisation, to, cutover: new Date(cutover).toISOString(), reason },
    });

  it('moves a practice at its cut-over under load: no request fails, and the old system is not asked after it', async () => {
    const numbers = patientsOf('A81001', 5);
    const cutover = Date.now() + 3_000; // room for the POST, and for the other replica to hear of it
    expect((await schedule('A81001', cutover)).status).toBe(200);
    const answers: Answer[] = [];
    // Eight clinicians keep asking, on both replicas, from before the cut-over until well after it: each
    // until 1.5 s past it and until it has had three answers to requests begun after it (however slow the
    // machine, the load spans the cut-over).
    await Promise.all(
      Array.from({ length: 8 }, async (_, worker) => {
        const target = worker % 2 === 0 ? gateway : replica;
        let after = 0;
        while (Date.now() < cutover + 1_500 || after < 3) {
          const started = Date.now();
          const { status, body } = await graphql(target.url, LIST, { ns: numbers });
          answers.push({
            status,
            ...(body.errors ? { errors: body.errors } : {}),
            availability: body.extensions!.availability as Answer['availability'],
            started,
            ended: Date.now(),
          });
          if (started > cutover) after++;
        }
      }),
    );
    expect(answers.some((a) => a.started < cutover)).toBe(true);
    expect(answers.filter((a) => a.status !== 200 || a.errors)).toEqual([]);
    const gpServers = (a: Answer) => Object.keys(a.availability).filter((k) => k.startsWith('gp-'));
    for (const a of answers)
      expect(Object.values(a.availability).every((s) => s.status === 'LIVE')).toBe(true);
    expect(new Set(answers.filter((a) => a.ended < cutover).flatMap(gpServers))).toEqual(
      new Set(['gp-aurora']),
    );
    expect(new Set(answers.filter((a) => a.started >= cutover).flatMap(gpServers))).toEqual(
      new Set(['gp-birch']),
    );
    // At the suppliers: the old system's last lookup for the practice belongs to a request it served, and
    // every request it served began before the cut-over (above): an ordering, with no allowance in ms.
    const last = Date.parse((await aurora.stats()).byOrganisation.A81001!.lastAt);
    const servedByOld = answers.filter((a) => gpServers(a).includes('gp-aurora'));
    expect(Math.max(...servedByOld.map((a) => a.started))).toBeLessThan(cutover);
    expect(last).toBeLessThanOrEqual(Math.max(...servedByOld.map((a) => a.ended)));
    expect((await birch.stats()).byOrganisation.A81001!.lookups).toBeGreaterThan(0);
  });

  it("shows the old system's last copy, labelled as its, until the new one has answered for the patient", async () => {
    const [n] = patientsOf('A81002', 1) as [string];
    const query = `query($n: String!) { patient(nhsNumber: $n) { nhsNumber medications { id status } } }`;
    await graphql(gateway.url, query, { n }); // aurora answers, and its copy is kept
    expect((await schedule('A81002', Date.now() + 1_000)).status).toBe(200);
    await eventually(
      async () => {
        const list = (
          await ops<{ migrations: { organisation: string; state: string }[] }>(
            gateway.ops.url,
            '/api/migrations',
          )
        ).body;
        return list.migrations.some((m) => m.organisation === 'A81002' && m.state === 'in-effect');
      },
      5_000,
      'the cut-over',
    );
    await birch.faults({ mode: 'http-500' });
    const stale = await graphql(gateway.url, query, { n });
    expect(stale.body.extensions!.provenance).toEqual([
      expect.objectContaining({
        supplier: 'gp-birch',
        status: 'STALE',
        source: 'gp-aurora',
        organisations: ['A81002'],
      }),
    ]);
    await birch.faults({ mode: 'none' });
    gateway.suppliers.find((s) => s.name === 'gp-birch')!.breaker.reset('test');
    const live = await graphql(gateway.url, query, { n });
    expect(live.body.extensions!.availability).toMatchObject({ 'gp-birch': { status: 'LIVE' } });
    // Birch has answered: from now on its own copy stands in, never aurora's.
    await birch.faults({ mode: 'http-500' });
    const own = await graphql(gateway.url, query, { n });
    const entry = (own.body.extensions!.provenance as Record<string, unknown>[])[0]!;
    expect(entry).toMatchObject({ supplier: 'gp-birch', status: 'STALE' });
    expect(entry.source).toBeUndefined();
  });

  it('rolls a migration back after its cut-over and cancels one before it, on every replica', async () => {
    const [n] = patientsOf('Y02494', 1) as [string];
    const gpOf = async (g: RunningGateway) =>
      Object.keys((await graphql(g.url, LIST, { ns: [n] })).body.extensions!.availability as object).find(
        (k) => k.startsWith('gp-'),
      );
    const inEffect = async (organisation: string) =>
      (
        await ops<{ migrations: { organisation: string; state: string }[] }>(
          replica.ops.url,
          '/api/migrations',
        )
      ).body.migrations.some((m) => m.organisation === organisation && m.state === 'in-effect');
    expect(await gpOf(replica)).toBe('gp-cedar');
    expect((await schedule('Y02494', Date.now() + 1_000)).status).toBe(200);
    await eventually(() => inEffect('Y02494'), 5_000, 'the cut-over, seen by the other replica');
    expect([await gpOf(gateway), await gpOf(replica)]).toEqual(['gp-birch', 'gp-birch']);
    const back = await ops(gateway.ops.url, '/api/migrations/Y02494/rollback', {
      body: { reason: 'Birch go-live postponed' },
    });
    expect(back.status).toBe(200);
    await eventually(
      async () => (await gpOf(replica)) === 'gp-cedar',
      5_000,
      'the rollback on the other replica',
    );
    expect(await gpOf(gateway)).toBe('gp-cedar');
    // Scheduled again for tomorrow, then cancelled from the other replica: nothing moves.
    expect((await schedule('Y02494', Date.now() + 86_400_000)).status).toBe(200);
    const cancelled = await ops(replica.ops.url, '/api/migrations/Y02494/cancel', {
      body: { reason: 'not this week' },
    });
    expect(cancelled.status).toBe(200);
    await eventually(
      async () => {
        const list = (
          await ops<{ migrations: { organisation: string }[] }>(gateway.ops.url, '/api/migrations')
        ).body;
        return !list.migrations.some((m) => m.organisation === 'Y02494');
      },
      5_000,
      'the cancellation on the first replica',
    );
    expect(await gpOf(gateway)).toBe('gp-cedar');
  });

  it.each([
    [
      'an organisation the market does not know',
      { organisation: 'Z99999', to: 'gp-birch' },
      404,
      'UNKNOWN_ORGANISATION',
    ],
    ['a supplier of another domain', { organisation: 'C84010', to: 'hospital' }, 400, 'WRONG_DOMAIN'],
    [
      "the domain's national fallback",
      { organisation: 'C84010', to: 'summary-record' },
      404,
      'UNKNOWN_SUPPLIER',
    ],
    [
      'the supplier that already serves it',
      { organisation: 'C84010', to: 'gp-cedar' },
      409,
      'ALREADY_SERVED',
    ],
    [
      'a cut-over in the past',
      { organisation: 'C84010', to: 'gp-birch', cutover: '2020-01-01T00:00Z' },
      400,
      'INVALID_CUTOVER',
    ],
    [
      'a cut-over on a day that does not exist',
      { organisation: 'C84010', to: 'gp-birch', cutover: '2030-02-30T00:00Z' },
      400,
      'INVALID_CUTOVER',
    ],
    ['no reason', { organisation: 'C84010', to: 'gp-birch', reason: '' }, 400, 'REASON_REQUIRED'],
  ])(
    'refuses a migration to %s with a documented code, and changes nothing',
    async (_, body, status, code) => {
      const before = (await ops<{ migrations: unknown[] }>(gateway.ops.url, '/api/migrations')).body
        .migrations;
      const response = await ops<{ error: { code: string } }>(gateway.ops.url, '/api/migrations', {
        body: { cutover: new Date(Date.now() + 60_000).toISOString(), reason, ...body },
      });
      expect({ status: response.status, code: response.body.error.code }).toEqual({ status, code });
      expect(
        (await ops<{ migrations: unknown[] }>(gateway.ops.url, '/api/migrations')).body.migrations,
      ).toEqual(before);
    },
  );

  it('refuses to cancel what has happened, to roll back what has not, and to act on no migration', async () => {
    const none = await ops<{ error: { code: string } }>(gateway.ops.url, '/api/migrations/B82010/cancel', {
      body: { reason },
    });
    expect([none.status, none.body.error.code]).toEqual([404, 'NO_MIGRATION']);
    expect((await schedule('B82005', Date.now() + 86_400_000, 'gp-cedar')).status).toBe(200);
    const early = await ops<{ error: { code: string } }>(gateway.ops.url, '/api/migrations/B82005/rollback', {
      body: { reason },
    });
    expect([early.status, early.body.error.code]).toEqual([409, 'MIGRATION_PENDING']);
    const twice = await schedule('B82005', Date.now() + 86_400_000, 'gp-cedar');
    expect(twice.status).toBe(409);
    expect((await ops(gateway.ops.url, '/api/migrations/B82005/cancel', { body: { reason } })).status).toBe(
      200,
    );
  });

  it('is driven from a terminal too: npm run ops -- migrate / migrations / cancel, with exit codes', async () => {
    const run = (...args: string[]) =>
      new Promise<{ code: number | null; out: string }>((resolve) => {
        const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/ops.ts', ...args], {
          env: { ...process.env, OPS_URL: gateway.ops.url, OPS_TOKEN: TEST_OPS_TOKEN },
        });
        let out = '';
        child.stdout.on('data', (c: Buffer) => (out += c.toString()));
        child.stderr.on('data', (c: Buffer) => (out += c.toString()));
        child.on('exit', (code) => resolve({ code, out }));
      });
    const cutover = new Date(Date.now() + 86_400_000).toISOString();
    const scheduled = await run(
      'migrate',
      '--organisation',
      'B82010',
      '--to',
      'gp-aurora',
      '--cutover',
      cutover,
      '--reason',
      reason,
    );
    expect(scheduled).toMatchObject({ code: 0, out: expect.stringContaining('migrate done by ops') });
    const listed = await run('migrations');
    expect(listed.out).toMatch(/B82010 {2}gp-birch -> gp-aurora {2}at .* {2}scheduled/);
    const refused = await run(
      'migrate',
      '--organisation',
      'B82010',
      '--to',
      'gp-cedar',
      '--cutover',
      cutover,
      '--reason',
      reason,
    );
    expect(refused).toMatchObject({ code: 1, out: expect.stringContaining('refused: MIGRATION_PENDING') });
    expect((await run('cancel', '--organisation', 'B82010', '--reason', reason)).code).toBe(0);
    expect((await run('migrate', '--organisation', 'B82010')).code).toBe(2); // usage: --to is missing
    const status = await run('status');
    expect(status.out).toMatch(/gp record domain\n {2}gp-aurora +CLOSED/);
  });
});
