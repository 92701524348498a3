import { describe, expect, it } from 'vitest';
import {
  CacheCipher,
  cacheSecrets,
  EntityCache,
  FUTURE_TOLERANCE_MS,
  KEY_PREFIX,
  MemoryStore,
  type RecallOutcome,
} from '../../gateway/cache/index.js';
import { FakeClock, flush } from '../helpers/clock.js';

const A = '9990000018';
const B = '9990000026';
const HOUR = 3_600_000;

function setup(
  options: {
    refreshIntervalMs?: number;
    quarantine?: Record<string, number>;
    purges?: Record<string, number>;
  } = {},
) {
  const clock = new FakeClock();
  const store = new MemoryStore(1_048_576);
  const secrets = cacheSecrets('ab'.repeat(32));
  const recalls: RecallOutcome[] = [];
  const cache = new EntityCache({
    store,
    cipher: new CacheCipher(secrets.encryptionKey),
    keyHashKey: secrets.keyHashKey,
    clock,
    maxStalenessMs: 72 * HOUR,
    refreshIntervalMs: options.refreshIntervalMs ?? 0,
    quarantinedSince: (s) => options.quarantine?.[s],
    purgedBefore: (s, tag) => options.purges?.[`${s}:${tag}`],
    observer: { recalled: (_, outcome) => recalls.push(outcome), wrote: () => undefined },
  });
  return { clock, store, cache, recalls };
}

describe('entity cache', () => {
  it('serves back what was remembered, with the time it was received', async () => {
    const { cache, clock } = setup();
    const received = clock.now();
    cache.remember('gp', 'sel', [{ nhsNumber: A, entity: { nhsNumber: A, medications: [] } }]);
    await flush();
    clock.tick(5 * 60_000);
    expect(await cache.recall('gp', 'sel', [A, B])).toEqual([
      { entity: { nhsNumber: A, medications: [] }, receivedAt: received },
      undefined,
    ]);
  });

  it('keeps copies per supplier and per selection apart', async () => {
    const { cache } = setup();
    cache.remember('gp', 'meds', [{ nhsNumber: A, entity: { v: 'gp meds' } }]);
    await flush();
    expect(await cache.recall('hospital', 'meds', [A])).toEqual([undefined]);
    expect(await cache.recall('gp', 'allergies', [A])).toEqual([undefined]);
  });

  it('never serves a copy older than the maximum staleness', async () => {
    const { cache, clock, recalls } = setup();
    cache.remember('gp', 'sel', [{ nhsNumber: A, entity: {} }]);
    await flush();
    clock.tick(72 * HOUR);
    expect((await cache.recall('gp', 'sel', [A]))[0]).toBeDefined();
    clock.tick(1);
    expect(await cache.recall('gp', 'sel', [A])).toEqual([undefined]);
    expect(recalls.at(-1)).toBe('expired');
  });

  it('does not serve a copy dated in the future after the clock jumps back past the tolerance', async () => {
    const { cache, clock, recalls } = setup();
    cache.remember('gp', 'sel', [{ nhsNumber: A, entity: {} }]);
    await flush();
    clock.set(clock.now() - FUTURE_TOLERANCE_MS);
    expect((await cache.recall('gp', 'sel', [A]))[0]).toBeDefined();
    clock.set(clock.now() - 1);
    expect(await cache.recall('gp', 'sel', [A])).toEqual([undefined]);
    expect(recalls.at(-1)).toBe('future-dated');
  });

  it('does not serve data received at or after a quarantine cut-off', async () => {
    const quarantine: Record<string, number> = {};
    const { cache, clock, recalls } = setup({ quarantine });
    cache.remember('gp', 'sel', [{ nhsNumber: A, entity: { before: true } }]);
    await flush();
    clock.tick(HOUR);
    const cutoff = clock.now();
    cache.remember('gp', 'sel', [{ nhsNumber: B, entity: { after: true } }]);
    await flush();
    // The compromise is found later; the cut-off is set in the past.
    clock.tick(HOUR);
    quarantine.gp = cutoff;
    const [a, b] = await cache.recall('gp', 'sel', [A, B]);
    expect(a?.entity).toEqual({ before: true });
    expect(b).toBeUndefined();
    expect(recalls.at(-1)).toBe('quarantined');
  });

  it('keys by a keyed hash: no NHS number in any key, and values are not plaintext', async () => {
    const { cache, store } = setup();
    cache.remember('gp', 'sel', [{ nhsNumber: A, entity: { familyName: 'Okafor' } }]);
    await flush();
    const keys = store.keys();
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(new RegExp(`^${KEY_PREFIX}:gp:[A-Za-z0-9_-]{22}:sel$`));
    expect(keys[0]).not.toContain(A);
    const [value] = await store.getMany(keys);
    expect(value!.toString('latin1')).not.toContain('Okafor');
  });

  it("refuses a value moved under another patient's key", async () => {
    const { cache, store, recalls } = setup();
    cache.remember('gp', 'sel', [{ nhsNumber: A, entity: { who: 'A' } }]);
    await flush();
    const [keyA] = store.keys();
    cache.remember('gp', 'sel', [{ nhsNumber: B, entity: { who: 'B' } }]);
    await flush();
    const keyB = store.keys().find((k) => k !== keyA)!;
    const [sealedA] = await store.getMany([keyA!]);
    await store.setMany([{ key: keyB, value: sealedA! }], HOUR);
    expect(await cache.recall('gp', 'sel', [B])).toEqual([undefined]);
    expect(recalls.at(-1)).toBe('unreadable');
  });

  it('purges by supplier and by patient', async () => {
    const { cache } = setup();
    cache.remember('gp', 'sel', [
      { nhsNumber: A, entity: 1 },
      { nhsNumber: B, entity: 2 },
    ]);
    cache.remember('hospital', 'sel', [{ nhsNumber: A, entity: 3 }]);
    await flush();
    expect(await cache.purge({ nhsNumber: A })).toBe(2);
    expect(await cache.recall('gp', 'sel', [A, B])).toEqual([undefined, expect.anything()]);
    expect(await cache.purge({ supplier: 'gp' })).toBe(1);
    expect(await cache.recall('gp', 'sel', [B])).toEqual([undefined]);
    await expect(cache.purge({})).rejects.toThrow(RangeError);
  });

  it('rewrites a copy at most once per refresh interval, to keep writes off a busy path', async () => {
    const { cache, clock } = setup({ refreshIntervalMs: 1_000 });
    const first = clock.now();
    cache.remember('gp', 'sel', [{ nhsNumber: A, entity: { v: 1 } }]);
    await flush();
    clock.tick(500);
    cache.remember('gp', 'sel', [{ nhsNumber: A, entity: { v: 2 } }]);
    await flush();
    expect((await cache.recall('gp', 'sel', [A]))[0]).toEqual({ entity: { v: 1 }, receivedAt: first });
    clock.tick(500);
    cache.remember('gp', 'sel', [{ nhsNumber: A, entity: { v: 3 } }]);
    await flush();
    expect((await cache.recall('gp', 'sel', [A]))[0]?.entity).toEqual({ v: 3 });
  });

  it('drops copies still waiting to be written when their patient is purged', async () => {
    const { cache } = setup();
    cache.remember('gp', 'sel', [
      { nhsNumber: A, entity: { who: 'A' } },
      { nhsNumber: B, entity: { who: 'B' } },
    ]);
    await cache.purge({ nhsNumber: A });
    await flush();
    expect(await cache.recall('gp', 'sel', [A, B])).toEqual([
      undefined,
      expect.objectContaining({ entity: { who: 'B' } }),
    ]);
  });

  it('never serves a copy received before a purge, even one a replica failed to delete', async () => {
    const purges: Record<string, number> = {};
    const { cache, clock, recalls } = setup({ purges });
    cache.remember('gp', 'sel', [{ nhsNumber: A, entity: { v: 'old' } }]);
    await flush();
    purges[`gp:${cache.patientTag(A)}`] = clock.now();
    expect(await cache.recall('gp', 'sel', [A])).toEqual([undefined]);
    expect(recalls.at(-1)).toBe('purged');
    clock.tick(1_000);
    cache.remember('gp', 'sel', [{ nhsNumber: A, entity: { v: 'new' } }]);
    await flush();
    expect((await cache.recall('gp', 'sel', [A]))[0]?.entity).toEqual({ v: 'new' });
  });

  it('does not overwrite good copies while the supplier is quarantined', async () => {
    const quarantine: Record<string, number> = {};
    const { cache, clock } = setup({ quarantine });
    cache.remember('gp', 'sel', [{ nhsNumber: A, entity: { v: 'good' } }]);
    await flush();
    clock.tick(1_000);
    quarantine.gp = clock.now();
    clock.tick(1_000);
    cache.remember('gp', 'sel', [{ nhsNumber: A, entity: { v: 'possibly poisoned' } }]);
    await flush();
    expect((await cache.recall('gp', 'sel', [A]))[0]?.entity).toEqual({ v: 'good' });
  });

  it("forgets a patient's copy when the supplier refuses or withdraws it", async () => {
    const { cache } = setup();
    cache.remember('gp', 'sel', [{ nhsNumber: A, entity: { v: 1 } }]);
    await flush();
    cache.forget('gp', 'sel', A);
    await flush();
    expect(await cache.recall('gp', 'sel', [A])).toEqual([undefined]);
  });

  it('does not write before the caller has its answer', () => {
    const { cache, store } = setup();
    cache.remember('gp', 'sel', [{ nhsNumber: A, entity: {} }]);
    expect(store.size).toBe(0);
  });
});

describe('cache secrets', () => {
  it('accepts 32 bytes as hex or base64 and refuses anything else, without echoing the secret', () => {
    expect(cacheSecrets('00'.repeat(32)).generated).toBe(false);
    expect(cacheSecrets(Buffer.alloc(32, 7).toString('base64')).generated).toBe(false);
    expect(() => cacheSecrets('too-short-secret')).toThrow(/got 16 characters/);
    expect(cacheSecrets(undefined).generated).toBe(true);
  });

  it('derives different keys for values and for key hashing', () => {
    const s = cacheSecrets('00'.repeat(32));
    expect(s.encryptionKey.equals(s.keyHashKey)).toBe(false);
  });
});
