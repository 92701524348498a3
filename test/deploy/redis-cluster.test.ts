import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../gateway/app.js';
import {
  startRedisCluster,
  startSupplier,
  type PrivateRedisCluster,
  type TestSupplier,
} from '../../lib/testbed/index.js';
import { eventually, redisUp, startTestGateway } from '../helpers/gateway.js';
import { ops } from '../helpers/ops.js';
import { availabilityOf, nextPatient, patientOf, record } from '../helpers/scenario.js';

const DECISIONS_KEY = 'prag:v1:ops:decisions';

/**
 * Two gateways sharing a Redis Cluster of three masters and three replicas: the cache tier, ops decisions
 * (a hash, and pub/sub that must reach every replica across shards) and the registry all run on it, and
 * keep working through a master failover.
 */
describe('a Redis Cluster under two gateways', () => {
  let cluster: PrivateRedisCluster;
  let gp: TestSupplier;
  let hospital: TestSupplier;
  let one: RunningGateway;
  let two: RunningGateway;

  beforeAll(async () => {
    cluster = await startRedisCluster();
    [gp, hospital] = await Promise.all([startSupplier('gp'), startSupplier('hospital')]);
    const env = { REDIS_URL: cluster.url, REDIS_MODE: 'cluster', REDIS_TIMEOUT_MS: '500' };
    [one, two] = await Promise.all([
      startTestGateway({ gp, hospital }, env),
      startTestGateway({ gp, hospital }, env),
    ]);
    for (const g of [one, two]) await eventually(() => redisUp(g), 10_000, 'the cluster tier up');
  }, 90_000);
  afterAll(async () => {
    await Promise.all([one?.close(), two?.close()]);
    await Promise.all([gp?.stop(), hospital?.stop()]);
    await cluster?.stop();
  });

  const gpCopies = async () => {
    return (await cluster.keysByMaster('prag:v1:gp:*')).flat();
  };
  const isolated = async (g: RunningGateway, on: boolean) => {
    const path = `/api/suppliers/gp/${on ? 'isolate' : 'restore'}`;
    const result = await ops(g.ops.url, path, { body: { reason: 'cluster test' } });
    expect(result.status, JSON.stringify(result.body)).toBe(200);
  };
  const stateOn = (g: RunningGateway) => g.suppliers.find((s) => s.name === 'gp')!.breaker.state;

  it('spreads copies over the shards, shares an isolation through cluster pub/sub, and serves one replica’s copy from the other', async () => {
    const patients = Array.from({ length: 12 }, () => nextPatient());
    for (const n of patients) expect(availabilityOf(await record(one, n)).gp?.status).toBe('LIVE');
    await eventually(
      async () => (await gpCopies()).length >= patients.length,
      10_000,
      'copies in the cluster',
    );
    const shards = await cluster.keysByMaster('prag:v1:gp:*');
    expect(shards.filter((keys) => keys.length > 0).length).toBeGreaterThan(1);

    await isolated(one, true);
    await eventually(() => stateOn(two) === 'ISOLATED', 5_000, 'the isolation to reach the other gateway');
    const stale = await record(two, patients[0]!);
    expect(availabilityOf(stale).gp?.status).toBe('STALE');
    expect(patientOf(stale)!.medications).not.toBeNull();
    await isolated(two, false);
    await eventually(() => stateOn(one) === 'CLOSED', 5_000, 'the restore to reach the first gateway');

    // A purge reaches every master, not only the one the client happens to be connected to.
    expect(await cluster.keysByMaster('*')).toHaveLength(3);
    await one.cache.entities.purge({ supplier: 'gp' });
    expect(await gpCopies()).toEqual([]);
  });

  it('keeps answering through a master failover, and shares decisions taken afterwards', async () => {
    const master = await cluster.masterOf(DECISIONS_KEY);
    const pool = Array.from({ length: 40 }, () => nextPatient());
    let turn = 0;
    const failures: string[] = [];
    let answers = 0;
    let running = true;
    const worker = async (g: RunningGateway) => {
      while (running) {
        const result = await record(g, pool[turn++ % pool.length]!).catch((e: Error) => ({
          status: 0,
          error: e,
        }));
        if (result.status !== 200) failures.push(`HTTP ${result.status}`);
        else answers++;
      }
    };
    const load = [worker(one), worker(two), worker(one), worker(two)];
    await eventually(() => answers > 10, 10_000, 'load flowing');
    await cluster.kill(master);
    // Its replica takes over once the others agree it is gone (the node timeout), then slots are served.
    await eventually(
      async () => (await cluster.masterOf(DECISIONS_KEY).catch(() => master)) !== master,
      30_000,
      'a replica to take over',
    );
    await cluster.settled(30_000);
    const atFailover = answers;
    await eventually(() => answers > atFailover + 20, 20_000, 'answers after the failover');
    running = false;
    await Promise.all(load);
    expect(failures).toEqual([]);

    await isolated(two, true);
    await eventually(
      () => stateOn(one) === 'ISOLATED',
      15_000,
      'an isolation after the failover to reach gateway one',
    );
    await isolated(one, false);
    await eventually(() => stateOn(two) === 'CLOSED', 15_000, 'the restore to reach gateway two');
  }, 120_000);
});
