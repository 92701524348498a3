import { describe, expect, it } from 'vitest';
import { AvailabilityRecorder, type PatientOutcome } from '../../gateway/availability/index.js';

const t = (iso: string) => Date.parse(iso);
const outcome = (
  o: Partial<PatientOutcome> & Pick<PatientOutcome, 'nhsNumber' | 'status'>,
): PatientOutcome => ({
  domain: 'gp',
  supplier: 'gp-aurora',
  organisations: ['A81001'],
  confidential: false,
  ...o,
});

describe('availability recorder', () => {
  it('reports LIVE suppliers with their domain, without an age or reason', () => {
    const r = new AvailabilityRecorder();
    r.record(outcome({ nhsNumber: 'A', status: 'LIVE' }), 'CLOSED');
    expect(r.availability()).toEqual({ 'gp-aurora': { domain: 'gp', status: 'LIVE', breaker: 'CLOSED' } });
    expect(r.provenance()).toEqual([]);
  });

  it('labels stale data with the age of the oldest copy shown, and why', () => {
    const r = new AvailabilityRecorder();
    r.record(
      outcome({
        nhsNumber: 'A',
        status: 'STALE',
        receivedAt: t('2026-11-21T08:00:00Z'),
        reason: 'BREAKER_OPEN',
      }),
      'OPEN',
    );
    r.record(
      outcome({
        nhsNumber: 'B',
        status: 'STALE',
        receivedAt: t('2026-11-20T08:00:00Z'),
        reason: 'BREAKER_OPEN',
      }),
      'OPEN',
    );
    expect(r.availability()).toEqual({
      'gp-aurora': {
        domain: 'gp',
        status: 'STALE',
        asOf: '2026-11-20T08:00:00.000Z',
        breaker: 'OPEN',
        reason: 'BREAKER_OPEN',
      },
    });
    expect(r.provenance()).toEqual([
      {
        nhsNumber: 'A',
        domain: 'gp',
        supplier: 'gp-aurora',
        status: 'STALE',
        asOf: '2026-11-21T08:00:00.000Z',
        reason: 'BREAKER_OPEN',
        organisations: ['A81001'],
      },
      {
        nhsNumber: 'B',
        domain: 'gp',
        supplier: 'gp-aurora',
        status: 'STALE',
        asOf: '2026-11-20T08:00:00.000Z',
        reason: 'BREAKER_OPEN',
        organisations: ['A81001'],
      },
    ]);
  });

  it('takes the worst status across patients, FALLBACK between STALE and UNAVAILABLE, and names the source', () => {
    const r = new AvailabilityRecorder();
    r.record(outcome({ nhsNumber: 'A', status: 'LIVE' }), 'OPEN');
    r.record(
      outcome({ nhsNumber: 'B', status: 'STALE', receivedAt: t('2026-11-21T08:00:00Z'), reason: 'TIMEOUT' }),
      'OPEN',
    );
    r.record(
      outcome({
        nhsNumber: 'C',
        status: 'FALLBACK',
        receivedAt: t('2026-11-21T09:00:00Z'),
        source: 'summary-record',
        reason: 'TIMEOUT',
      }),
      'OPEN',
    );
    expect(r.availability()['gp-aurora']).toEqual({
      domain: 'gp',
      status: 'FALLBACK',
      asOf: '2026-11-21T08:00:00.000Z',
      breaker: 'OPEN',
      reason: 'TIMEOUT',
      source: ['summary-record'],
    });
    r.record(outcome({ nhsNumber: 'D', status: 'UNAVAILABLE', reason: 'TIMEOUT' }), 'OPEN');
    expect(r.availability()['gp-aurora']!.status).toBe('UNAVAILABLE');
  });

  it("never tells a client which supplier or organisations hold a restricted patient's records; audit is told", () => {
    const r = new AvailabilityRecorder();
    r.record(
      outcome({
        nhsNumber: 'R',
        domain: 'hospital',
        supplier: 'hospital-leeds',
        organisations: ['RR8'],
        confidential: true,
        status: 'UNAVAILABLE',
        reason: 'TIMEOUT',
      }),
      'OPEN',
    );
    expect(Object.keys(r.availability())).toEqual(['hospital (withheld)']);
    expect(r.provenance()).toEqual([
      {
        nhsNumber: 'R',
        domain: 'hospital',
        supplier: 'hospital (withheld)',
        status: 'UNAVAILABLE',
        reason: 'TIMEOUT',
      },
    ]);
    expect(JSON.stringify([r.availability(), r.provenance()])).not.toMatch(/leeds|RR8/);
    expect(r.forPatient('R')).toEqual({ 'hospital-leeds': { status: 'UNAVAILABLE' } });
  });

  it("gives the audit each patient's own suppliers, whatever order the answers arrived in", () => {
    const r = new AvailabilityRecorder();
    r.record(outcome({ nhsNumber: 'A', status: 'LIVE' }), 'CLOSED');
    r.record(outcome({ nhsNumber: 'B', status: 'STALE', receivedAt: t('2026-11-21T08:00:00Z') }), 'OPEN');
    r.record(
      outcome({ nhsNumber: 'A', status: 'LIVE', domain: 'hospital', supplier: 'hospital-leeds' }),
      'CLOSED',
    );
    expect(r.forPatient('A')).toEqual({
      'gp-aurora': { status: 'LIVE' },
      'hospital-leeds': { status: 'LIVE' },
    });
    expect(r.forPatient('B')).toEqual({ 'gp-aurora': { status: 'STALE', asOf: '2026-11-21T08:00:00.000Z' } });
    expect(r.forPatient('C')).toEqual({});
  });

  it('is empty when no supplier was asked', () => {
    expect(new AvailabilityRecorder().empty).toBe(true);
  });
});
