import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../lib/logger.js';
import { startPrivateRedis, type PrivateRedis } from '../../lib/testbed/index.js';
import {
  EMPTY_REGISTRY,
  LastKnownGood,
  RegistryStore,
  registryState,
  type RegistryState,
  type SupplierEntrySpec,
} from '../../gateway/registry/index.js';
import { eventually } from '../helpers/gateway.js';

const logger = createLogger('registry-test', { level: 'silent' });
const actor = { by: 'alice', reason: 'onboarding', at: '2026-11-21T09:00:00.000Z' };
const spec = (url: string): SupplierEntrySpec => ({
  kind: 'supplier',
  name: 'gp-dogwood',
  domain: 'gp',
  url,
  organisations: [],
  newOrganisations: [],
  contact: 'servicedesk@dogwood.example',
});
const next = (state: RegistryState, url: string) =>
  registryState.publish(state, spec(url), [], actor, false).state;

describe('registry store over a real Redis', () => {
  let redis: PrivateRedis;
  const stores: RegistryStore[] = [];
  const store = async (replica: string, url = redis.url) => {
    const s = new RegistryStore({ redisUrl: url, replica, logger, now: () => Date.now() });
    stores.push(s);
    await s.start(2_000, undefined);
    return s;
  };

  beforeAll(async () => {
    redis = await startPrivateRedis();
  });
  afterAll(async () => {
    await Promise.all(stores.map((s) => s.close()));
    await redis.stop();
  });

  it('shares a change with every replica, and lets only one of two concurrent changes through', async () => {
    const [a, b] = [await store('a'), await store('b')];
    expect([a.source, b.source]).toEqual(['redis', 'redis']);
    const heard: number[] = [];
    b.onChange((s) => heard.push(s.revision));
    const base = a.state;
    await a.commit(base, next(base, 'http://127.0.0.1:4004/graphql'));
    await eventually(() => b.state.revision === base.revision + 1, 5_000, 'replica b to hear the change');
    expect(heard).toContain(base.revision + 1);
    // Both made from the same revision: the second is refused, and nothing of it is stored.
    const shared = b.state;
    await b.commit(shared, next(shared, 'http://127.0.0.1:4005/graphql'));
    await expect(a.commit(shared, next(shared, 'http://127.0.0.1:4006/graphql'))).rejects.toMatchObject({
      code: 'REGISTRY_CONFLICT',
    });
    await eventually(() => a.state.revision === shared.revision + 1, 5_000, 'replica a to catch up');
    expect(a.state.entries['supplier/gp-dogwood']!.versions.at(-1)!.spec).toMatchObject({
      url: 'http://127.0.0.1:4005/graphql',
    });
    const c = await store('c');
    expect(c.state.revision).toBe(a.state.revision);
  });

  it('refuses a change while Redis is unreachable, so replicas never diverge', async () => {
    const a = await store('lonely', 'redis://127.0.0.1:1');
    expect(a.source).toBe('bootstrap');
    await expect(a.commit(a.state, next(a.state, 'http://127.0.0.1:4004/graphql'))).rejects.toMatchObject({
      code: 'REGISTRY_UNAVAILABLE',
    });
    expect(a.state).toBe(EMPTY_REGISTRY);
  });

  it('keeps a last-known-good copy on disk, and ignores a file that is not one (a torn write)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'prag-lkg-'));
    const file = new LastKnownGood(join(dir, 'nested', 'lkg.json'));
    expect(await file.read()).toBeUndefined();
    const state = next(EMPTY_REGISTRY, 'http://127.0.0.1:4004/graphql');
    const snapshot = {
      state,
      supergraphSdl: 'schema { query: Query }',
      domainSdl: { gp: 'type X { a: Int }' },
      market: { domains: [], organisations: [], suppliers: [] },
      savedAt: '2026-11-21T09:00:00.000Z',
      replica: 'a',
    };
    await file.write(snapshot);
    expect(await file.read()).toEqual(snapshot);
    const { writeFileSync } = await import('node:fs');
    writeFileSync(file.file, '{"format":1,"state":');
    expect(await file.read()).toEqual({ problem: expect.stringContaining('not JSON') });
  });

  it('writes the state it serves back into a Redis that lost its data', async () => {
    const own = await startPrivateRedis();
    try {
      const a = new RegistryStore({ redisUrl: own.url, replica: 'keeper', logger, now: () => Date.now() });
      stores.push(a);
      await a.start(2_000, undefined);
      await a.commit(a.state, next(a.state, 'http://127.0.0.1:4004/graphql'));
      await own.restart(); // empty: it keeps nothing on disk
      await eventually(
        async () => {
          const b = new RegistryStore({ redisUrl: own.url, replica: 'probe', logger, now: () => Date.now() });
          await b.start(1_000, undefined);
          const revision = b.state.revision;
          await b.close();
          return revision === 1;
        },
        15_000,
        'the state written back',
      );
      expect(a.state.revision).toBe(1);
    } finally {
      await own.stop();
    }
  });
});
