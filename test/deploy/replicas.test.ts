import { mkdtempSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Launched } from '../../lib/launch.js';
import {
  checkHaproxyConfig,
  freePort,
  haproxyConfig,
  marketFile,
  startHaproxy,
  startPrivateRedis,
  startSupplier,
  type PrivateRedis,
  type RunningHaproxy,
  type TestSupplier,
} from '../../lib/testbed/index.js';
import { BENCH_TOKEN } from '../../load-tests/lib/auth.js';
import { benchPatients, population } from '../../load-tests/lib/patients.js';
import { auditLogOf, launchReplica } from '../../load-tests/lib/replicas.js';
import { SOAK_QUERY, verify, type Outcome } from '../../load-tests/soak/verify.js';
import { REFERENCE_MARKET } from '../../subgraphs/synthetic/index.js';
import { eventually } from '../helpers/gateway.js';
import { ops } from '../helpers/ops.js';

const OPS_TOKEN = 'replicas-ops-token-0123456789abcdef';
const GRACE_MS = 1_500;

interface Replica {
  readonly name: string;
  readonly port: number;
  readonly opsPort: number;
  readonly opsUrl: string;
  process: Launched;
}

/**
 * Three gateway processes behind a real HAProxy, sharing one Redis, in front of the reference market's
 * supplier processes: what the deployment guide (docs/deployment.md) runs, on 127.0.0.1.
 */
describe('three replicas behind HAProxy', () => {
  let redis: PrivateRedis;
  let suppliers: Map<string, TestSupplier>;
  let haproxy: RunningHaproxy;
  const replicas: Replica[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'prag-replicas-'));
  let suppliersFile: string;

  const launch = (r: { name: string; port: number; opsPort: number }) =>
    launchReplica({
      id: r.name,
      suppliersFile,
      redisUrl: redis.url,
      opsToken: OPS_TOKEN,
      dir,
      logLevel: 'error',
      port: r.port,
      opsPort: r.opsPort,
      fromSource: true,
      // Copies written through one replica are read through another: no write may time out under load.
      env: { DRAIN_GRACE_MS: String(GRACE_MS), DRAIN_TIMEOUT_MS: '10000', REDIS_TIMEOUT_MS: '500' },
    });
  const opsCall = (r: Replica, path: string, body?: unknown) =>
    ops(r.opsUrl, path, { token: OPS_TOKEN, ...(body === undefined ? {} : { body }) });
  // One connection per request (no keep-alive to HAProxy). With fetch's pooled keep-alive connections,
  // about one run in four had one request reset between the client and HAProxy, which HAProxy logged as a
  // client abort before any request reached a gateway (docs/deployment.md: an open finding).
  const lookup = (url: string, n: string, requestId?: string) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(url, {
        method: 'POST',
        agent: false,
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${BENCH_TOKEN}`,
          ...(requestId ? { 'x-request-id': requestId } : {}),
        },
      });
      req.on('response', (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(JSON.stringify({ query: SOAK_QUERY, variables: { n } }));
    });
  const gpStatusOf = (text: string) =>
    Object.values(
      (
        JSON.parse(text) as {
          extensions: { availability: Record<string, { domain: string; status: string }> };
        }
      ).extensions.availability,
    ).find((a) => a.domain === 'gp')?.status;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    suppliers = new Map(
      (await Promise.all(REFERENCE_MARKET.map((s) => startSupplier(s.name, { LOG_LEVEL: 'warn' })))).map(
        (s) => [s.name, s],
      ),
    );
    suppliersFile = marketFile([...suppliers.values()]);
    for (const name of ['gw1', 'gw2', 'gw3']) {
      const [port, opsPort] = [await freePort(), await freePort()];
      replicas.push({
        name,
        port,
        opsPort,
        opsUrl: `http://127.0.0.1:${opsPort}`,
        process: await launch({ name, port, opsPort }),
      });
    }
    haproxy = await startHaproxy(replicas);
    await eventually(
      async () => Object.values(await haproxy.states()).every((s) => s === 'UP'),
      10_000,
      'HAProxy to see every replica up',
    );
  }, 120_000);
  afterAll(async () => {
    await haproxy?.stop();
    await Promise.all(replicas.map((r) => r.process.stop()));
    await Promise.all([...(suppliers?.values() ?? [])].map((s) => s.stop()));
    await redis?.stop();
  });

  it('holds an isolation taken on one replica on all three, and serves a copy written through one from another', async () => {
    const n = benchPatients[0]!;
    const practice = population.byNhsNumber.get(n)!.gp!.registeredPractice.odsCode;
    const supplier = REFERENCE_MARKET.find((s) => s.organisations.includes(practice))!.name;
    const [gw1, gw2, gw3] = replicas as [Replica, Replica, Replica];
    expect(gpStatusOf((await lookup(`http://127.0.0.1:${gw1.port}/graphql`, n)).text)).toBe('LIVE');
    // The copy is in Redis once a replica that never saw this patient can find it.
    const isolated = await opsCall(gw3, `/api/suppliers/${supplier}/isolate`, { reason: 'replica test' });
    expect(isolated.status, JSON.stringify(isolated.body)).toBe(200);
    for (const r of replicas) {
      await eventually(
        async () => {
          const status = await opsCall(r, '/api/status');
          const s = (status.body.suppliers as { name: string; state: string }[]).find(
            (x) => x.name === supplier,
          );
          return s?.state === 'ISOLATED';
        },
        10_000,
        `${supplier} isolated on ${r.name}`,
      );
    }
    await eventually(
      async () => gpStatusOf((await lookup(`http://127.0.0.1:${gw2.port}/graphql`, n)).text) === 'STALE',
      10_000,
      'replica 2 to serve the copy replica 1 wrote',
    );
    const restored = await opsCall(gw1, `/api/suppliers/${supplier}/restore`, { reason: 'all clear' });
    expect(restored.status, JSON.stringify(restored.body)).toBe(200);
    for (const r of replicas) {
      await eventually(
        async () => gpStatusOf((await lookup(`http://127.0.0.1:${r.port}/graphql`, n)).text) === 'LIVE',
        10_000,
        `${supplier} restored on ${r.name}`,
      );
    }
  });

  it('restarts all three, one at a time, under load, losing no request and no audit line', async () => {
    const outcomes: Record<Outcome, number> = { live: 0, labelled: 0, wrong: 0, unlabelled: 0, failed: 0 };
    const details: string[] = [];
    let answered = 0;
    let running = true;
    let next = 0;
    const worker = async () => {
      while (running) {
        const n = benchPatients[next++ % benchPatients.length]!;
        try {
          // Tagged, so the audit check counts this test's records only: another test's last records may
          // still be on their way to disk when this one starts (it once counted one too many that way).
          const { status, text } = await lookup(haproxy.url, n, `restart-${next}`);
          const { outcome, detail } = verify(status, text, n);
          outcomes[outcome]++;
          if (status === 200) answered++;
          if (outcome !== 'live' && outcome !== 'labelled')
            details.push(`${new Date().toISOString()} ${outcome}: ${detail} ${text.slice(0, 120)}`);
        } catch (error) {
          outcomes.failed++;
          const cause = (error as { cause?: { code?: string; message?: string } }).cause;
          details.push(
            `failed: ${(error as Error).message} (${cause?.code ?? cause?.message ?? 'no cause'})`,
          );
        }
      }
    };
    const load = Array.from({ length: 6 }, worker);
    try {
      for (const r of replicas) {
        const before = answered;
        await eventually(() => answered > before + 20, 20_000, 'load flowing before the restart');
        await r.process.stop('SIGTERM');
        expect(r.process.child.exitCode, `${r.name} exit code after SIGTERM`).toBe(0);
        r.process = await launch(r);
        await eventually(
          async () => (await haproxy.states())[r.name] === 'UP',
          15_000,
          `HAProxy to take ${r.name} back`,
        );
      }
      const before = answered;
      await eventually(() => answered > before + 20, 20_000, 'load flowing after the last restart');
    } finally {
      // Whatever happened, the load stops before the test ends.
      running = false;
      await Promise.all(load);
    }
    expect(details).toEqual([]);
    expect(outcomes.failed + outcomes.wrong + outcomes.unlabelled).toBe(0);
    expect(answered).toBeGreaterThan(100);
    // Every answer given was audited, by whichever replica gave it (the stopped ones flushed theirs).
    await eventually(() => auditLines('restart-') === answered, 10_000, 'audit lines to match answers').catch(
      () => undefined,
    );
    expect({ audited: auditLines('restart-') }).toEqual({ audited: answered });
  }, 180_000);

  /** Record-access lines in every replica's audit trail for requests whose id starts with `prefix`. */
  function auditLines(prefix: string): number {
    return replicas
      .map((r) => {
        try {
          return readFileSync(auditLogOf(dir, r.name), 'utf8')
            .split('\n')
            .filter((l) => l.includes('"type":"record-access"') && l.includes(`"requestId":"${prefix}`))
            .length;
        } catch {
          return 0;
        }
      })
      .reduce((a, b) => a + b, 0);
  }
});

describe('the documented HAProxy configuration', () => {
  it('is one HAProxy accepts, with the health check and retry rule the replicas test runs', () => {
    const file = 'deploy/haproxy/haproxy.cfg';
    expect(checkHaproxyConfig(file)).toBeUndefined();
    const documented = readFileSync(file, 'utf8');
    const tested = haproxyConfig({ port: 1, backends: [], socket: '/tmp/x' });
    const settings = (text: string) =>
      text
        .split('\n')
        .map((l) => l.trim())
        .filter((l) =>
          /^(timeout check|retries|option redispatch|retry-on|option httpchk|http-check|default-server)/.test(
            l,
          ),
        );
    expect(settings(documented)).toEqual(settings(tested));
  });
});
