import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../gateway/app.js';
import type { TestSupplier } from '../../lib/testbed/index.js';
import { HoldableClock } from '../helpers/clock.js';
import {
  backToHealth,
  eventually,
  graphql,
  redisUp,
  startProcesses,
  startTestGateway,
  type TestProcesses,
} from '../helpers/gateway.js';
import {
  availabilityOf,
  fixtures,
  nextPatient,
  patientOf,
  population,
  record,
  warm,
  WriteCounter,
} from '../helpers/scenario.js';

/** Short breaker timings so real processes walk through every state within a test. */
const BREAKER = {
  BREAKER_TIMEOUT_MS: '1000',
  BREAKER_IDLE_PROBE_MS: '0',
  BREAKER_VOLUME_THRESHOLD: '3',
  BREAKER_RESET_TIMEOUT_MS: '600',
  BREAKER_ROLLING_WINDOW_MS: '5000',
};

describe('degraded but full view: each supplier failure mode, real processes and Redis', () => {
  let processes: TestProcesses;
  let gp: TestSupplier;
  let hospital: TestSupplier;
  let gateway: RunningGateway;
  const writes = new WriteCounter();
  const clock = new HoldableClock();
  const breakerOf = (name: string) => gateway.suppliers.find((s) => s.name === name)!.breaker;

  beforeAll(async () => {
    processes = await startProcesses();
    ({ gp, hospital } = processes);
    gateway = await startTestGateway(
      { gp, hospital },
      // A 1 MiB response limit, so the `huge` fault needs only a few MiB to cross it.
      { ...BREAKER, REDIS_URL: processes.redis.url, SUPPLIER_MAX_RESPONSE_BYTES: '1048576' },
      { cacheObserver: writes, clock },
    );
    await eventually(() => redisUp(gateway), 5_000, 'redis');
  });
  afterAll(async () => {
    await gateway?.close();
    await processes?.stop();
  });
  beforeEach(() => backToHealth(processes, gateway));

  it('serves the last-known-good GP sections, labelled STALE with their age, when the GP supplier is killed', async () => {
    const n = nextPatient();
    const warming = Date.now();
    const live = await warm(gateway, writes, n);
    const warmedAt = Date.now();
    await gp.kill();
    const degraded = await record(gateway, n);
    expect(degraded.status).toBe(200);
    expect(patientOf(degraded)!.medications).toEqual(patientOf(live)!.medications);
    expect(patientOf(degraded)!.encounters).toEqual(patientOf(live)!.encounters);
    const availability = availabilityOf(degraded);
    expect(availability.hospital).toEqual({ domain: 'hospital', status: 'LIVE', breaker: 'CLOSED' });
    expect(availability.gp).toMatchObject({ status: 'STALE', reason: 'CONNECTION_FAILED' });
    const asOf = Date.parse(availability.gp!.asOf!);
    // The age is the copy's: taken while the record was warmed, not when the supplier died.
    expect(asOf).toBeGreaterThanOrEqual(warming);
    expect(asOf).toBeLessThanOrEqual(warmedAt);
    expect(degraded.body.extensions?.provenance).toEqual([
      {
        nhsNumber: n,
        domain: 'gp',
        supplier: 'gp',
        status: 'STALE',
        asOf: availability.gp!.asOf,
        reason: 'CONNECTION_FAILED',
        organisations: [population.byNhsNumber.get(n)!.demographics.registeredPracticeOds],
      },
    ]);
    expect(degraded.body.errors).toBeUndefined();
  });

  it('keeps the hospital half and says which GP sections are missing when nothing is cached', async () => {
    await gp.kill();
    const n = nextPatient();
    const truth = population.byNhsNumber.get(n)!;
    const result = await record(gateway, n);
    const patient = patientOf(result)!;
    expect(patient.medications).toBeNull();
    expect((patient.encounters as unknown[]).length).toBe(truth.hospital.flatMap((r) => r.encounters).length);
    expect(result.body.errors).toEqual([
      expect.objectContaining({
        path: ['patient'],
        extensions: expect.objectContaining({
          code: 'SUPPLIER_UNAVAILABLE',
          serviceName: 'gp',
          reason: 'CONNECTION_FAILED',
        }),
      }),
    ]);
    expect(availabilityOf(result).gp).toMatchObject({ status: 'UNAVAILABLE' });
  });

  it('keeps the GP half when the hospital supplier is the one down', async () => {
    const n = nextPatient();
    await hospital.faults({ mode: 'http-500' });
    const result = await record(gateway, n);
    expect((patientOf(result)!.medications as unknown[]).length).toBe(
      population.byNhsNumber.get(n)!.gp!.medications.length,
    );
    expect(patientOf(result)!.encounters).toBeNull();
    expect(availabilityOf(result)).toMatchObject({
      gp: { status: 'LIVE' },
      hospital: { status: 'UNAVAILABLE', reason: 'HTTP_STATUS' },
    });
  });

  it.each([
    ['accepts connections and never answers', { mode: 'hang' }, /^TIMEOUT$/],
    ['answers too slowly', { mode: 'slow', latencyMs: 2_000 }, /^TIMEOUT$/],
    ['answers HTTP 500', { mode: 'http-500' }, /^HTTP_STATUS$/],
    ['answers 200 with errors saying it failed', { mode: 'graphql-error' }, /^SUPPLIER_ERROR$/],
    ['answers with a body that is not JSON', { mode: 'malformed' }, /^MALFORMED_RESPONSE$/],
    // A body cut short surfaces as a broken connection or an unreadable body, depending on when it breaks.
    ['cuts its answer short', { mode: 'truncated' }, /^(MALFORMED_RESPONSE|CONNECTION_FAILED)$/],
    // Valid JSON padded past the limit: refused as it streams, never buffered whole.
    ['answers with a body over the size limit', { mode: 'huge', bytes: 4_194_304 }, /^MALFORMED_RESPONSE$/],
  ] as const)('serves stale GP sections when the supplier %s', async (_, fault, reason) => {
    const n = nextPatient();
    const live = await warm(gateway, writes, n);
    await gp.faults(fault);
    const degraded = await record(gateway, n);
    expect(availabilityOf(degraded).gp).toMatchObject({
      status: 'STALE',
      reason: expect.stringMatching(reason),
    });
    expect(patientOf(degraded)!.medications).toEqual(patientOf(live)!.medications);
    // The wait was cut by the breaker's timeout (the reason says so), never left to the supplier; how long
    // that takes is a benchmark's question (bench `hung`, `slow`), not a timed test's.
  });

  it("never shows another patient's record from a compromised supplier", async () => {
    const n = nextPatient();
    const live = await warm(gateway, writes, n);
    await gp.faults({ mode: 'wrong-patient' });
    const result = await record(gateway, n);
    expect(availabilityOf(result).gp).toMatchObject({ status: 'STALE', reason: 'IDENTITY_MISMATCH' });
    expect(patientOf(result)!.medications).toEqual(patientOf(live)!.medications);
    const unwarmed = await record(gateway, nextPatient());
    expect(patientOf(unwarmed)!.medications).toBeNull();
    expect(unwarmed.body.errors?.[0]?.extensions).toMatchObject({
      code: 'SUPPLIER_UNAVAILABLE',
      reason: 'IDENTITY_MISMATCH',
    });
  });

  it('releases the sockets of a hung supplier at the timeout instead of piling them up', async () => {
    await gp.faults({ mode: 'hang' });
    await Promise.all(Array.from({ length: 6 }, () => record(gateway, nextPatient())));
    await eventually(async () => (await gp.stats()).hanging === 0, 3_000, 'hung requests to be aborted');
  });

  it('opens the breaker, stops calling the supplier, probes it half-open and closes when it recovers', async () => {
    const n = nextPatient();
    await warm(gateway, writes, n);
    const seen: string[] = [];
    const stopWatching = breakerOf('gp').onTransition((t) => seen.push(t.to));
    // The breaker's timers wait until the supplier has recovered: what follows sees it OPEN however long
    // it takes, and its half-open probe finds the supplier healthy.
    clock.hold();
    try {
      await gp.faults({ mode: 'http-500' });
      for (let i = 0; i < 3; i++) await record(gateway, n);
      expect(breakerOf('gp').state).toBe('OPEN');
      const before = (await gp.stats()).requests;
      const whileOpen = await record(gateway, n);
      expect(availabilityOf(whileOpen).gp).toMatchObject({
        status: 'STALE',
        breaker: 'OPEN',
        reason: 'BREAKER_OPEN',
      });
      expect((await gp.stats()).requests).toBe(before);
      await gp.faults({ mode: 'none' });
    } finally {
      clock.release();
    }
    await eventually(() => breakerOf('gp').state === 'CLOSED', 5_000, 'breaker to close after recovery');
    stopWatching();
    expect(seen).toEqual(['OPEN', 'HALF_OPEN', 'CLOSED']);
    expect(availabilityOf(await record(gateway, n)).gp).toEqual({
      domain: 'gp',
      status: 'LIVE',
      breaker: 'CLOSED',
    });
  });

  it('re-opens after a failed half-open probe, and reports HALF_OPEN while probing', async () => {
    const seen: string[] = [];
    const stop = breakerOf('gp').onTransition((t) => seen.push(t.to));
    await gp.faults({ mode: 'http-500' });
    for (let i = 0; i < 3; i++) await record(gateway, nextPatient());
    await eventually(() => seen.filter((s) => s === 'OPEN').length >= 2, 5_000, 'a second opening');
    stop();
    expect(seen.slice(0, 3)).toEqual(['OPEN', 'HALF_OPEN', 'OPEN']);
  });

  it('answers a clinic list from cache where it can and says exactly who is missing', async () => {
    const LIST =
      'query($ns: [String!]!) { patients(nhsNumbers: $ns) { nhsNumber medications { id medication { display } status } } }';
    const cached = nextPatient();
    const missing = nextPatient();
    // The list itself warms the cache for one patient: copies are kept per selection, so warm with this one.
    const before = writes.count('gp');
    const live = await graphql(gateway.url, LIST, { ns: [cached] });
    const livePatients = live.body.data!.patients as { medications: unknown }[];
    await eventually(() => writes.count('gp') > before, 5_000, 'the list answer cached');
    await gp.kill();
    const result = await graphql(gateway.url, LIST, { ns: [cached, missing] });
    const list = result.body.data!.patients as { nhsNumber: string; medications: unknown }[];
    expect(list.map((p) => p.nhsNumber)).toEqual([cached, missing]);
    expect(list[0]!.medications).toEqual(livePatients[0]!.medications);
    expect(list[1]!.medications).toBeNull();
    // Exactly the missing patient's section is named, and the cached one is labelled STALE.
    expect(result.body.errors?.map((e) => e.path)).toEqual([['patients', 1]]);
    const provenance = result.body.extensions?.provenance as { nhsNumber: string; status: string }[];
    expect(provenance.map((p) => [p.nhsNumber, p.status])).toEqual([
      [cached, 'STALE'],
      [missing, 'UNAVAILABLE'],
    ]);
  });

  it('does not let a supplier failure touch the patient lookup: unknown stays PATIENT_NOT_FOUND', async () => {
    await gp.kill();
    const result = await record(gateway, fixtures.unknown);
    expect(result.body.data).toEqual({ patient: null });
    expect(result.body.errors?.map((e) => e.extensions?.code)).toEqual(['PATIENT_NOT_FOUND']);
  });
});
