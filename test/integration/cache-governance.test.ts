import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../gateway/app.js';
import { cacheSecrets, keyedHash } from '../../gateway/cache/index.js';
import type { PrivateRedis, TestSupplier } from '../../lib/testbed/index.js';
import {
  backToHealth,
  eventually,
  redisUp,
  ShiftedClock,
  startProcesses,
  startTestGateway,
  TEST_CACHE_KEY,
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

const HOUR = 3_600_000;
const tagOf = (n: string) => keyedHash(cacheSecrets(TEST_CACHE_KEY).keyHashKey, n);

describe('stale-if-error cache governance, with a real Redis', () => {
  let processes: TestProcesses;
  let gp: TestSupplier;
  let hospital: TestSupplier;
  let redis: PrivateRedis;
  let inspect: Redis;
  let gateway: RunningGateway;
  const writes = new WriteCounter();
  const clock = new ShiftedClock();
  const env = () => ({
    REDIS_URL: redis.url,
    BREAKER_TIMEOUT_MS: '2000',
    BREAKER_IDLE_PROBE_MS: '0',
    CACHE_MAX_STALENESS_HOURS: '72',
  });
  // The cached copies only: the control plane (ops decisions, registry) shares the Redis.
  const keys = async () =>
    (await inspect.keys('*')).filter((k) => !/^prag:v1:(ops|registry|usage)(:|$)/.test(k));

  beforeAll(async () => {
    processes = await startProcesses();
    ({ gp, hospital, redis } = processes);
    inspect = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    gateway = await startTestGateway({ gp, hospital }, env(), { clock, cacheObserver: writes });
    await eventually(() => redisUp(gateway), 5_000, 'redis');
  });
  afterAll(async () => {
    inspect?.disconnect();
    await gateway?.close();
    await processes?.stop();
  });
  beforeEach(async () => {
    await backToHealth(processes, gateway);
    clock.offsetMs = 0;
  });

  it('stores no NHS number and no plaintext record in Redis', async () => {
    const n = nextPatient();
    await warm(gateway, writes, n);
    const all = await keys();
    expect(all.length).toBeGreaterThan(0);
    const numbers = population.patients.map((p) => p.demographics.nhsNumber);
    for (const key of all) expect(numbers.some((x) => key.includes(x))).toBe(false);
    expect(all.filter((k) => k.includes(tagOf(n)))).toHaveLength(2);
    const name = population.byNhsNumber.get(n)!.gp!.medications[0]?.medication.display ?? 'Paracetamol';
    for (const key of all) expect((await inspect.getBuffer(key))!.toString('latin1')).not.toContain(name);
    const ttl = await inspect.pttl(all[0]!);
    expect(ttl).toBeGreaterThan(71 * HOUR);
    expect(ttl).toBeLessThanOrEqual(72 * HOUR);
  });

  it('never caches a restricted patient, so never shows them stale', async () => {
    const live = await record(gateway, fixtures.restricted);
    // A restricted patient's supplier is not named to clients: only its domain.
    expect(availabilityOf(live)['gp (withheld)']?.status).toBe('LIVE');
    const normal = nextPatient();
    await warm(gateway, writes, normal); // proves writes were happening meanwhile
    expect((await keys()).some((k) => k.includes(tagOf(fixtures.restricted)))).toBe(false);
    await gp.kill();
    const degraded = await record(gateway, fixtures.restricted);
    expect(patientOf(degraded)!.medications).toBeNull();
    expect(availabilityOf(degraded)['gp (withheld)']?.status).toBe('UNAVAILABLE');
  });

  it('stops serving a copy once it is older than the maximum staleness', async () => {
    const n = nextPatient();
    await warm(gateway, writes, n);
    await gp.kill();
    clock.advance(71 * HOUR);
    expect(availabilityOf(await record(gateway, n)).gp?.status).toBe('STALE');
    clock.advance(2 * HOUR);
    const expired = await record(gateway, n);
    expect(availabilityOf(expired).gp?.status).toBe('UNAVAILABLE');
    expect(patientOf(expired)!.medications).toBeNull();
  });

  it('after the clock jumps back, serves copies within the tolerance and withholds those dated in the future', async () => {
    const n = nextPatient();
    await warm(gateway, writes, n);
    await gp.kill();
    clock.advance(-60_000);
    expect(availabilityOf(await record(gateway, n)).gp?.status).toBe('STALE');
    clock.advance(-2 * HOUR);
    const withheld = await record(gateway, n);
    expect(availabilityOf(withheld).gp?.status).toBe('UNAVAILABLE');
    expect(patientOf(withheld)!.medications).toBeNull();
  });

  it('purges by patient and by supplier, from memory and Redis', async () => {
    const a = nextPatient();
    const b = nextPatient();
    await warm(gateway, writes, a);
    await warm(gateway, writes, b);
    expect(await gateway.cache.entities.purge({ nhsNumber: a })).toBe(2);
    expect((await keys()).some((k) => k.includes(tagOf(a)))).toBe(false);
    await gateway.cache.entities.purge({ supplier: 'gp' });
    expect((await keys()).some((k) => k.startsWith('prag:v1:gp:'))).toBe(false);
    await gp.kill();
    expect(availabilityOf(await record(gateway, b)).gp?.status).toBe('UNAVAILABLE');
    expect(availabilityOf(await record(gateway, b)).hospital?.status).toBe('LIVE');
  });

  it('keeps live answers live and fast while Redis is slow, then while it is gone, and still serves stale from memory', async () => {
    const n = nextPatient();
    await warm(gateway, writes, n);
    // Redis stops answering every client for 4 s. A PING sent after the pause began is answered only when
    // it ends: the live answer must come back before that PING does (the gateway never waits for Redis).
    await inspect.call('CLIENT', 'PAUSE', '4000', 'ALL');
    const probe = new Redis(redis.url, { maxRetriesPerRequest: 1 });
    let redisAnswered = false;
    const pinged = probe.ping().finally(() => (redisAnswered = true));
    const duringSlow = await record(gateway, nextPatient());
    expect(availabilityOf(duringSlow).gp?.status).toBe('LIVE');
    expect(redisAnswered).toBe(false);
    await pinged;
    probe.disconnect();
    await redis.kill();
    await eventually(() => !redisUp(gateway), 5_000, 'gateway to notice Redis is gone');
    const live = await record(gateway, nextPatient());
    expect(availabilityOf(live)).toMatchObject({ gp: { status: 'LIVE' }, hospital: { status: 'LIVE' } });
    await gp.kill();
    expect(availabilityOf(await record(gateway, n)).gp?.status).toBe('STALE');
    expect(gateway.cache.health()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ tier: 'memory', status: 'up' }),
        expect.objectContaining({ tier: 'redis', status: expect.not.stringMatching('up') }),
      ]),
    );
    await redis.restart();
    await eventually(() => redisUp(gateway), 10_000, 'gateway to reconnect to Redis');
  });

  it('serves stale copies after a gateway restart, from a warm Redis', async () => {
    const n = nextPatient();
    const live = await warm(gateway, writes, n);
    await gateway.close();
    await gp.kill();
    gateway = await startTestGateway({ gp, hospital }, env(), { clock, cacheObserver: writes });
    await eventually(() => redisUp(gateway), 5_000, 'redis after restart');
    const degraded = await record(gateway, n);
    expect(availabilityOf(degraded).gp?.status).toBe('STALE');
    expect(patientOf(degraded)!.medications).toEqual(patientOf(live)!.medications);
  });

  it('answers from copies younger than the optional freshness window without calling the supplier', async () => {
    const shedding = await startTestGateway(
      { gp, hospital },
      { ...env(), CACHE_FRESH_FOR_MS: '60000' },
      { clock, cacheObserver: writes },
    );
    try {
      const n = nextPatient();
      const warming = clock.now();
      const first = await warm(shedding, writes, n);
      const before = (await gp.stats()).requests;
      const again = await record(shedding, n);
      expect((await gp.stats()).requests).toBe(before);
      expect(patientOf(again)!.medications).toEqual(patientOf(first)!.medications);
      const gpAvailability = availabilityOf(again).gp!;
      expect(gpAvailability.status).toBe('LIVE');
      expect(Date.parse(gpAvailability.asOf!), 'the copy from the warm-up').toBeGreaterThanOrEqual(warming);
      clock.advance(61_000); // older than the window: the supplier is asked again
      expect(availabilityOf(await record(shedding, n)).gp).toEqual({
        domain: 'gp',
        status: 'LIVE',
        breaker: 'CLOSED',
      });
      expect((await gp.stats()).requests).toBe(before + 1);
    } finally {
      await shedding.close();
    }
  });

  it('cannot read copies written under another encryption key', async () => {
    const n = nextPatient();
    await warm(gateway, writes, n);
    await gp.kill();
    const other = await startTestGateway(
      { gp, hospital },
      { ...env(), CACHE_ENCRYPTION_KEY: 'b2'.repeat(32) },
    );
    try {
      await eventually(() => redisUp(other), 5_000, 'redis');
      expect(availabilityOf(await record(other, n)).gp?.status).toBe('UNAVAILABLE');
    } finally {
      await other.close();
    }
  });
});
