import { describe, expect, it } from 'vitest';
import { AvailabilityRecorder } from '../../gateway/availability/index.js';

const t = (iso: string) => Date.parse(iso);

describe('availability recorder', () => {
  it('reports LIVE suppliers without an age or reason', () => {
    const r = new AvailabilityRecorder();
    r.record('gp', 'CLOSED', [{ nhsNumber: 'A', status: 'LIVE' }]);
    expect(r.availability()).toEqual({ gp: { status: 'LIVE', breaker: 'CLOSED' } });
    expect(r.provenance()).toEqual([]);
  });

  it('labels stale data with the age of the oldest copy shown, and why', () => {
    const r = new AvailabilityRecorder();
    r.record(
      'gp',
      'OPEN',
      [
        { nhsNumber: 'A', status: 'STALE', receivedAt: t('2026-11-21T08:00:00Z') },
        { nhsNumber: 'B', status: 'STALE', receivedAt: t('2026-11-20T08:00:00Z') },
      ],
      'BREAKER_OPEN',
    );
    expect(r.availability()).toEqual({
      gp: { status: 'STALE', asOf: '2026-11-20T08:00:00.000Z', breaker: 'OPEN', reason: 'BREAKER_OPEN' },
    });
    expect(r.provenance()).toEqual([
      { supplier: 'gp', nhsNumber: 'A', status: 'STALE', asOf: '2026-11-21T08:00:00.000Z' },
      { supplier: 'gp', nhsNumber: 'B', status: 'STALE', asOf: '2026-11-20T08:00:00.000Z' },
    ]);
  });

  it('takes the worst status across patients and fetches', () => {
    const r = new AvailabilityRecorder();
    r.record('hospital', 'CLOSED', [{ nhsNumber: 'A', status: 'LIVE' }]);
    r.record('hospital', 'OPEN', [{ nhsNumber: 'B', status: 'UNAVAILABLE' }], 'TIMEOUT');
    r.record(
      'hospital',
      'OPEN',
      [{ nhsNumber: 'C', status: 'STALE', receivedAt: t('2026-11-21T08:00:00Z') }],
      'BREAKER_OPEN',
    );
    expect(r.availability().hospital).toEqual({
      status: 'UNAVAILABLE',
      asOf: '2026-11-21T08:00:00.000Z',
      breaker: 'OPEN',
      reason: 'TIMEOUT',
    });
  });

  it('is empty when no supplier was asked', () => {
    expect(new AvailabilityRecorder().empty).toBe(true);
  });
});
