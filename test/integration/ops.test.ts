import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../gateway/app.js';
import type { TestSupplier } from '../../lib/testbed/index.js';
import {
  backToHealth,
  eventually,
  redisUp,
  startProcesses,
  startTestGateway,
  type TestProcesses,
} from '../helpers/gateway.js';
import { HoldableClock } from '../helpers/clock.js';
import { ops, sample } from '../helpers/ops.js';
import { availabilityOf, nextPatient, patientOf, record, warm, WriteCounter } from '../helpers/scenario.js';

type Status = {
  suppliers: { name: string; state: string; staleServed: number; isolation: unknown; quarantine: unknown }[];
};
// The idle probe (200 ms) finds a killed supplier at once (connection refused); a generous timeout keeps a
// probe of a healthy supplier on a busy machine from being read as a failure.
const ENV = { BREAKER_TIMEOUT_MS: '3000', BREAKER_RESET_TIMEOUT_MS: '600', BREAKER_IDLE_PROBE_MS: '200' };

describe('ops surface over real processes', () => {
  let processes: TestProcesses;
  let gp: TestSupplier;
  let gateway: RunningGateway;
  const writes = new WriteCounter();
  const clock = new HoldableClock();
  const gpState = async () =>
    (await ops<Status>(gateway.ops.url, '/api/status')).body.suppliers.find((s) => s.name === 'gp')!;

  beforeAll(async () => {
    processes = await startProcesses();
    ({ gp } = processes);
    gateway = await startTestGateway(
      [processes.gp, processes.hospital],
      { ...ENV, REDIS_URL: processes.redis.url },
      { cacheObserver: writes, clock },
    );
  });
  afterAll(async () => {
    await gateway?.close();
    await processes?.stop();
  });
  beforeEach(async () => {
    const { isolation, quarantine } = await gpState();
    const setUp = { reason: 'test set-up' };
    if (isolation) await ops(gateway.ops.url, '/api/suppliers/gp/restore', { body: setUp });
    if (quarantine)
      await ops(gateway.ops.url, '/api/suppliers/gp/quarantine', { method: 'DELETE', body: setUp });
    await backToHealth(processes, gateway);
  });

  it('refuses the API without the ops credential, but leaves metrics and probes open', async () => {
    for (const token of [null, 'wrong-token-but-long-enough']) {
      const refused = await ops(gateway.ops.url, '/api/status', { token });
      expect(refused.status).toBe(401);
      expect(refused.body).toMatchObject({ error: { code: 'OPS_UNAUTHENTICATED' } });
      const control = await ops(gateway.ops.url, '/api/suppliers/gp/isolate', {
        token,
        body: { reason: 'attack' },
      });
      expect(control.status).toBe(401);
    }
    expect((await gpState()).state).toBe('CLOSED');
    expect((await fetch(`${gateway.ops.url}/metrics`)).status).toBe(200);
    expect((await fetch(`${gateway.ops.url}/healthz`)).status).toBe(200);
    const clinicalPort = await fetch(gateway.url.replace('/graphql', '/api/status'));
    expect(clinicalPort.status).toBe(404);
  });

  it('reports each supplier with breaker, window, cache and data-age figures', async () => {
    await warm(gateway, writes, nextPatient());
    const status = await ops<{
      suppliers: Record<string, unknown>[];
      cache: Record<string, unknown>;
      ready: boolean;
    }>(gateway.ops.url, '/api/status');
    expect(status.status).toBe(200);
    expect(status.body.ready).toBe(true);
    expect(status.body.cache).toMatchObject({ backend: 'memory+redis', sharedDecisions: true });
    expect(status.body.suppliers.map((s) => s.name)).toEqual(['gp', 'hospital']);
    expect(status.body.suppliers[0]).toMatchObject({
      state: 'CLOSED',
      timeInStateMs: expect.any(Number),
      window: {
        calls: expect.any(Number),
        failures: 0,
        errorRate: 0,
        latencyMs: { p50: expect.any(Number), p99: expect.any(Number) },
      },
      lastLiveAt: expect.stringMatching(/^\d{4}-/),
      lastFailure: null,
      isolation: null,
    });
  });

  it('turns a killed supplier OPEN with no clinician traffic, and says so in metrics and /readyz', async () => {
    // Held at the moment it opens, so the half-open probe cannot come before the metrics are read.
    const breaker = gateway.suppliers.find((s) => s.name === 'gp')!.breaker;
    const stopWatching = breaker.onTransition((t) => t.to === 'OPEN' && clock.hold());
    await gp.kill();
    await eventually(async () => (await gpState()).state === 'OPEN', 5_000, 'gp to be OPEN').finally(
      stopWatching,
    );
    const metrics = await fetch(`${gateway.ops.url}/metrics`)
      .then((r) => r.text())
      .finally(() => clock.release());
    expect(sample(metrics, 'patient_gateway_breaker_state', { supplier: 'gp', state: 'open' })).toBe(1);
    expect(sample(metrics, 'patient_gateway_breaker_state', { supplier: 'gp', state: 'closed' })).toBe(0);
    expect(
      sample(metrics, 'patient_gateway_breaker_transitions_total', {
        supplier: 'gp',
        from: 'closed',
        to: 'open',
      }),
    ).toBeGreaterThanOrEqual(1);
    const ready = await ops<{ ready: boolean; suppliers: { name: string; state: string }[] }>(
      gateway.ops.url,
      '/readyz',
      { token: null },
    );
    expect(ready.status).toBe(200);
    expect(ready.body.suppliers).toContainEqual({
      name: 'gp',
      state: expect.stringMatching(/OPEN|HALF_OPEN/),
    });
    expect((await gpState()).state).not.toBe('CLOSED');
  });

  it('exposes request, stale-serve and cache metrics in Prometheus form', async () => {
    const n = nextPatient();
    await warm(gateway, writes, n);
    await gp.faults({ mode: 'http-500' });
    await record(gateway, n);
    const metrics = await (await fetch(`${gateway.ops.url}/metrics`)).text();
    expect(
      sample(metrics, 'patient_gateway_supplier_requests_total', {
        supplier: 'gp',
        outcome: 'failure',
        reason: 'http_status',
      }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      sample(metrics, 'patient_gateway_supplier_request_duration_seconds_count', {
        supplier: 'gp',
        outcome: 'success',
      }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      sample(metrics, 'patient_gateway_sections_served_total', { supplier: 'gp', status: 'stale' }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      sample(metrics, 'patient_gateway_cache_lookups_total', { supplier: 'gp', result: 'hit' }),
    ).toBeGreaterThanOrEqual(1);
    expect(sample(metrics, 'patient_gateway_cache_tier_up', { tier: 'redis' })).toBe(1);
    expect(metrics).toContain('# TYPE patient_gateway_supplier_request_duration_seconds histogram');
  });

  it.each([
    ['an unknown supplier', '/api/suppliers/pharmacy/isolate', { reason: 'test' }, 404, 'UNKNOWN_SUPPLIER'],
    ['no reason', '/api/suppliers/gp/isolate', {}, 400, 'REASON_REQUIRED'],
    ['a blank reason', '/api/suppliers/gp/isolate', { reason: '  ' }, 400, 'REASON_REQUIRED'],
    ['a body that is not JSON', '/api/suppliers/gp/isolate', '{"reason":', 400, 'BAD_REQUEST'],
    [
      'a cut-off that is not a time',
      '/api/suppliers/gp/quarantine',
      { reason: 'x-ray', since: 'yesterday' },
      400,
      'INVALID_CUTOFF',
    ],
    [
      'a cut-off without a zone',
      '/api/suppliers/gp/quarantine',
      { reason: 'x-ray', since: '2026-11-21T09:00:00' },
      400,
      'INVALID_CUTOFF',
    ],
    [
      'a cut-off on a day that does not exist',
      '/api/suppliers/gp/quarantine',
      { reason: 'x-ray', since: '2026-02-30T00:00Z' },
      400,
      'INVALID_CUTOFF',
    ],
    [
      'a cut-off in the future',
      '/api/suppliers/gp/quarantine',
      { reason: 'x-ray', since: '2099-01-01T00:00:00Z' },
      400,
      'INVALID_CUTOFF',
    ],
    [
      'an invalid NHS number to purge',
      '/api/patients/purge',
      { reason: 'erasure', nhsNumber: '9876544321' },
      400,
      'INVALID_NHS_NUMBER',
    ],
    ['a badly encoded path', '/api/suppliers/%E0%A4%A/isolate', { reason: 'test' }, 400, 'BAD_REQUEST'],
    ['an unknown action', '/api/suppliers/gp/explode', { reason: 'test' }, 404, 'NOT_FOUND'],
  ])('rejects %s with a clear code and changes nothing', async (_, path, body, status, code) => {
    const before = (await ops<{ events: unknown[] }>(gateway.ops.url, '/api/audit')).body.events.length;
    const response = await ops(gateway.ops.url, path, { body });
    expect(response.status).toBe(status);
    expect(response.body).toMatchObject({ error: { code, message: expect.any(String) } });
    expect(await gpState()).toMatchObject({ state: 'CLOSED', isolation: null, quarantine: null });
    expect((await ops<{ events: unknown[] }>(gateway.ops.url, '/api/audit')).body.events).toHaveLength(
      before,
    );
  });

  it('isolates a supplier: no request reaches it, clinicians get STALE sections, and restore brings it back', async () => {
    const n = nextPatient();
    const live = await warm(gateway, writes, n);
    const isolated = await ops<{ event: { by: string; reason: string }; replicated: boolean }>(
      gateway.ops.url,
      '/api/suppliers/gp/isolate',
      {
        body: { reason: 'suspected ransomware on the supplier network' },
      },
    );
    expect(isolated.status).toBe(200);
    expect(isolated.body).toMatchObject({
      replicated: true,
      event: { by: 'ops', reason: 'suspected ransomware on the supplier network' },
    });
    const before = (await gp.stats()).requests;
    for (let i = 0; i < 5; i++) {
      const answer = await record(gateway, n);
      expect(availabilityOf(answer).gp).toMatchObject({
        status: 'STALE',
        breaker: 'ISOLATED',
        reason: 'ISOLATED',
      });
      expect(patientOf(answer)!.medications).toEqual(patientOf(live)!.medications);
    }
    await new Promise((r) => setTimeout(r, 700)); // longer than the idle probe and reset timeouts
    expect((await gp.stats()).requests).toBe(before);
    expect((await gpState()).state).toBe('ISOLATED');
    await ops(gateway.ops.url, '/api/suppliers/gp/restore', { body: { reason: 'supplier confirmed clean' } });
    expect(availabilityOf(await record(gateway, n)).gp?.status).toBe('LIVE');
    const audit = (
      await ops<{ events: { action: string; by: string; reason: string }[] }>(gateway.ops.url, '/api/audit')
    ).body.events;
    expect(audit.slice(0, 2).map((e) => e.action)).toEqual(['restore', 'isolate']);
  });

  it('quarantines: copies received after the cut-off are not served, older ones still are', async () => {
    const before = nextPatient();
    await warm(gateway, writes, before);
    await new Promise((r) => setTimeout(r, 20));
    const since = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 20));
    const after = nextPatient();
    await warm(gateway, writes, after);
    const quarantined = await ops(gateway.ops.url, '/api/suppliers/gp/quarantine', {
      body: { reason: 'data after 09:00 may be tampered', since },
    });
    expect(quarantined.status).toBe(200);
    await ops(gateway.ops.url, '/api/suppliers/gp/isolate', { body: { reason: 'incident' } });
    expect(availabilityOf(await record(gateway, before)).gp?.status).toBe('STALE');
    expect(availabilityOf(await record(gateway, after)).gp?.status).toBe('UNAVAILABLE');
    await ops(gateway.ops.url, '/api/suppliers/gp/quarantine', {
      method: 'DELETE',
      body: { reason: 'verified clean' },
    });
    expect(availabilityOf(await record(gateway, after)).gp?.status).toBe('STALE');
  });

  it("purges one patient's copies across suppliers", async () => {
    const n = nextPatient();
    await warm(gateway, writes, n);
    const purged = await ops<{ deleted: number }>(gateway.ops.url, '/api/patients/purge', {
      body: { reason: 'patient record corrected', nhsNumber: n },
    });
    expect(purged.status).toBe(200);
    expect(purged.body.deleted).toBe(2);
    await ops(gateway.ops.url, '/api/suppliers/gp/isolate', { body: { reason: 'check purge' } });
    expect(availabilityOf(await record(gateway, n)).gp?.status).toBe('UNAVAILABLE');
  });

  it('streams transitions and control actions as Server-Sent Events', async () => {
    const controller = new AbortController();
    const response = await fetch(`${gateway.ops.url}/api/events`, {
      headers: { authorization: 'Bearer test-ops-token-0123456789' },
      signal: controller.signal,
    });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let received = '';
    // Reads until the pattern has arrived; a stream that ends first fails the test instead of spinning.
    const until = async (pattern: RegExp) => {
      while (!pattern.test(received)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`the event stream ended before ${pattern}; it held: ${received}`);
        received += value;
      }
    };
    await until(/event: status/);
    await ops(gateway.ops.url, '/api/suppliers/gp/isolate', { body: { reason: 'stream test' } });
    await until(/event: transition\ndata: .*"to":"ISOLATED"/);
    await until(/event: control\ndata: .*"action":"isolate"/);
    controller.abort();
  });
});

describe('ops decisions shared between replicas through Redis', () => {
  let processes: TestProcesses;
  let gp: TestSupplier;
  const replicas: RunningGateway[] = [];
  const replicaWrites = new WriteCounter();
  /** A new replica, with an id no other replica of this file has had. */
  const start = async () => {
    const id = `replica-${replicas.length + 1}`;
    const env = { REDIS_URL: processes.redis.url, GATEWAY_REPLICA_ID: id, BREAKER_IDLE_PROBE_MS: '0' };
    const g = await startTestGateway([processes.gp, processes.hospital], env, {
      cacheObserver: replicaWrites,
    });
    replicas.push(g);
    return g;
  };
  const stateOn = (g: RunningGateway) => g.suppliers.find((s) => s.name === 'gp')!.breaker.state;
  /** Two replicas sharing Redis: those an earlier test started, else new ones (each test runs alone too). */
  const pair = async (): Promise<[RunningGateway, RunningGateway]> => {
    while (replicas.length < 2) await start();
    await eventually(() => replicas.every(redisUp), 5_000, 'every replica connected to Redis');
    return [replicas[0]!, replicas[1]!];
  };

  beforeAll(async () => {
    processes = await startProcesses();
    ({ gp } = processes);
  });
  afterAll(async () => {
    await Promise.all(replicas.map((g) => g.close()));
    await processes?.stop();
  });

  it('applies an isolation made on one replica to every replica, including one started later', async () => {
    const [a, b] = await pair();
    const result = await ops<{ replicated: boolean }>(a.ops.url, '/api/suppliers/gp/isolate', {
      body: { reason: 'SOC isolation' },
    });
    expect(result.body.replicated).toBe(true);
    // Published at once; a replica still subscribing catches up at its next re-read (every 5 s).
    await eventually(() => stateOn(b) === 'ISOLATED', 7_000, 'replica b to isolate gp');
    const c = await start();
    // A replica reads the decisions before it serves: isolated from its first request.
    expect(stateOn(c)).toBe('ISOLATED');
    const before = (await gp.stats()).requests;
    const answer = await record(c, nextPatient());
    expect(availabilityOf(answer).gp).toMatchObject({ breaker: 'ISOLATED', reason: 'ISOLATED' });
    expect((await gp.stats()).requests).toBe(before);
    await ops(b.ops.url, '/api/suppliers/gp/restore', { body: { reason: 'SOC cleared' } });
    await eventually(
      () => [a, b, c].every((g) => stateOn(g) === 'CLOSED'),
      3_000,
      'every replica to restore gp',
    );
    const audit = (await ops<{ events: { action: string; replica: string }[] }>(a.ops.url, '/api/audit')).body
      .events;
    expect(audit[0]).toMatchObject({ action: 'restore', replica: 'replica-2' });
  });

  it('keeps decisions on different things independent: a quarantine on one replica never lifts an isolation', async () => {
    const [a, b] = await pair();
    await ops(a.ops.url, '/api/suppliers/gp/isolate', { body: { reason: 'SOC isolation' } });
    await eventually(() => stateOn(b) === 'ISOLATED', 7_000, 'replica b to isolate gp');
    const since = new Date(Date.now() - 60_000).toISOString();
    await ops(b.ops.url, '/api/suppliers/gp/quarantine', { body: { reason: 'tampering suspected', since } });
    type Status = { suppliers: { name: string; isolation: unknown; quarantine: unknown }[] };
    const gpOn = async (g: RunningGateway) =>
      (await ops<Status>(g.ops.url, '/api/status')).body.suppliers.find((s) => s.name === 'gp');
    // Once replica a has the quarantine, it has had every chance to (wrongly) lift the isolation.
    await eventually(async () => (await gpOn(a))?.quarantine != null, 7_000, 'replica a to quarantine gp');
    expect([stateOn(a), stateOn(b)]).toEqual(['ISOLATED', 'ISOLATED']);
    expect(await gpOn(a)).toMatchObject({ isolation: expect.any(Object), quarantine: { since } });
    await ops(a.ops.url, '/api/suppliers/gp/quarantine', { method: 'DELETE', body: { reason: 'clean' } });
    await ops(a.ops.url, '/api/suppliers/gp/restore', { body: { reason: 'clean' } });
    await eventually(
      () => replicas.every((g) => stateOn(g) === 'CLOSED'),
      7_000,
      'every replica to restore gp',
    );
  });

  it('makes a purge on one replica stop every replica serving the copies, even from its own memory', async () => {
    const [a, b] = await pair();
    const n = nextPatient();
    await warm(b, replicaWrites, n);
    await ops(b.ops.url, '/api/suppliers/gp/isolate', { body: { reason: 'check purge' } });
    expect(availabilityOf(await record(b, n)).gp?.status).toBe('STALE'); // b holds a copy in memory
    const purge = await ops<{ replicated: boolean }>(a.ops.url, '/api/patients/purge', {
      body: { reason: 'record corrected', nhsNumber: n },
    });
    expect(purge.body.replicated).toBe(true);
    // Isolated, b can answer only from its copies: once it heard of the purge it has none to show.
    await eventually(
      async () => availabilityOf(await record(b, n)).gp?.status === 'UNAVAILABLE',
      7_000,
      'replica b to drop its purged copy',
    );
    await ops(b.ops.url, '/api/suppliers/gp/restore', { body: { reason: 'done' } });
    await eventually(
      () => [a, b].every((g) => g.suppliers.find((s) => s.name === 'gp')!.breaker.state !== 'ISOLATED'),
      15_000,
      'both replicas to hear of the restore',
    );
  });

  it('shares an isolation taken while Redis was down once it is back', async () => {
    const [a, b] = await pair();
    await processes.redis.kill();
    await eventually(() => !redisUp(a), 5_000, 'a to notice Redis is gone');
    const local = await ops<{ replicated: boolean }>(a.ops.url, '/api/suppliers/hospital/isolate', {
      body: { reason: 'during the Redis outage' },
    });
    expect(local.body.replicated).toBe(false);
    expect(b.suppliers.find((s) => s.name === 'hospital')!.breaker.state).toBe('CLOSED');
    await processes.redis.restart();
    await eventually(
      () => b.suppliers.find((s) => s.name === 'hospital')!.breaker.state === 'ISOLATED',
      15_000,
      'b to hear of it',
    );
    await ops(a.ops.url, '/api/suppliers/hospital/restore', { body: { reason: 'done' } });
    // Left as found: the next test on this pair needs the hospital answering on both.
    await eventually(
      () => [a, b].every((g) => g.suppliers.find((s) => s.name === 'hospital')!.breaker.state !== 'ISOLATED'),
      15_000,
      'both replicas to hear of the restore',
    );
  });
});
