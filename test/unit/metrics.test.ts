import { describe, expect, it } from 'vitest';
import type { PatientOutcome } from '../../gateway/availability/index.js';
import { GatewayMetrics } from '../../gateway/observability/metrics.js';

const outcome = (
  supplier: string,
  status: PatientOutcome['status'],
  extra: Partial<PatientOutcome> = {},
): PatientOutcome => ({
  nhsNumber: '9000000009',
  domain: 'gp',
  supplier,
  status,
  organisations: ['A81001'],
  confidential: false,
  ...extra,
});

describe('sections served', () => {
  it('counts every patient of a fetch by supplier and status, and stamps last-live only for live answers', async () => {
    let now = 1_700_000_000_000;
    const metrics = new GatewayMetrics({ cacheHealth: () => [], now: () => now });
    metrics.served([
      outcome('alpha', 'LIVE'),
      outcome('alpha', 'LIVE'),
      outcome('alpha', 'STALE', { receivedAt: now - 60_000 }),
      outcome('beta', 'UNAVAILABLE'),
      // A copy from the freshness window is labelled live but is not an answer from the supplier.
      outcome('beta', 'LIVE', { receivedAt: now - 1_000 }),
      outcome('gamma', 'FALLBACK', { receivedAt: now, source: 'national' }),
    ]);
    now += 5_000;
    metrics.served([outcome('alpha', 'LIVE'), outcome('beta', 'UNAVAILABLE')]);

    const served = (supplier: string, status: string) =>
      metrics.value('patient_gateway_sections_served_total', { supplier, status });
    expect(await served('alpha', 'live')).toBe(3);
    expect(await served('alpha', 'stale')).toBe(1);
    expect(await served('beta', 'unavailable')).toBe(2);
    expect(await served('beta', 'live')).toBe(1);
    expect(await served('gamma', 'fallback')).toBe(1);
    expect(await served('gamma', 'live')).toBe(0);

    const lastLive = (supplier: string) =>
      metrics.value('patient_gateway_supplier_last_live_timestamp_seconds', { supplier });
    expect(await lastLive('alpha')).toBe(now / 1000);
    expect(await lastLive('beta')).toBe(0);
    expect(await lastLive('gamma')).toBe(0);
  });

  it('an empty fetch changes nothing', async () => {
    const metrics = new GatewayMetrics({ cacheHealth: () => [], now: () => 0 });
    metrics.served([]);
    const sample = await metrics.registry.getSingleMetric('patient_gateway_sections_served_total')?.get();
    expect(sample?.values ?? []).toEqual([]);
  });
});
