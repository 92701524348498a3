import { describe, expect, it } from 'vitest';
import { controlEventSchema, DecisionState, type ControlEvent } from '../../gateway/ops/decision-state.js';

const HOUR = 3_600_000;
const at = '2026-11-21T09:00:00.000Z';
const event = (e: Partial<ControlEvent> & Pick<ControlEvent, 'action'>): ControlEvent => ({
  replica: 'a',
  by: 'alice',
  reason: 'incident 42',
  at,
  supplier: 'gp',
  ...e,
});
const TAG = 'A'.repeat(22);

describe('operators’ decisions', () => {
  it('keeps isolation and quarantine apart: changing one never changes the other', () => {
    const state = new DecisionState(72 * HOUR);
    state.apply(event({ action: 'isolate' }));
    state.apply(event({ action: 'quarantine', since: '2026-11-21T08:00:00Z' }));
    state.apply(event({ action: 'lift_quarantine' }));
    expect(state.get('gp')).toEqual({ isolation: { by: 'alice', reason: 'incident 42', at } });
    expect(state.quarantinedSince('gp')).toBeUndefined();
  });

  it('reports purge cut-offs by supplier, by patient, and for both, taking the latest', () => {
    const state = new DecisionState(72 * HOUR);
    state.apply(event({ action: 'purge', supplier: undefined, patientTag: TAG, at: '2026-11-21T09:00:00Z' }));
    state.apply(event({ action: 'purge', supplier: 'gp', at: '2026-11-21T10:00:00Z' }));
    expect(state.purgedBefore('gp', TAG)).toBe(Date.parse('2026-11-21T10:00:00Z'));
    expect(state.purgedBefore('hospital', TAG)).toBe(Date.parse('2026-11-21T09:00:00Z'));
    expect(state.purgedBefore('hospital', 'B'.repeat(22))).toBeUndefined();
  });

  it('adopts what Redis holds and says exactly what changed', () => {
    const state = new DecisionState(72 * HOUR);
    state.apply(event({ action: 'isolate', supplier: 'hospital' }));
    const changes = state.replaceWith(
      {
        'gp:isolation': JSON.stringify({ by: 'bob', reason: 'SOC', at }),
        'gp:quarantine': JSON.stringify({
          by: 'bob',
          reason: 'tampering',
          at,
          since: '2026-11-21T08:00:00Z',
        }),
        [`purge:*:${TAG}`]: at,
      },
      Date.parse(at),
    );
    expect(changes.map((c) => [c.action, c.supplier, c.by])).toEqual([
      ['restore', 'hospital', 'sync'],
      ['isolate', 'gp', 'bob'],
      ['quarantine', 'gp', 'bob'],
      ['purge', undefined, 'sync'],
    ]);
    expect(state.get('hospital')).toEqual({});
    expect(state.quarantinedSince('gp')).toBe(Date.parse('2026-11-21T08:00:00Z'));
    expect(
      state
        .replaceWith({ 'gp:isolation': JSON.stringify({ by: 'bob', reason: 'SOC', at }) }, Date.parse(at))
        .map((c) => c.action),
    ).toEqual(['lift_quarantine']);
  });

  it('forgets purge records older than the maximum staleness (no copy can be that old)', () => {
    const state = new DecisionState(HOUR);
    state.apply(event({ action: 'purge', at }));
    expect(state.prune(Date.parse(at) + HOUR + 1)).toEqual(['purge:gp:*']);
    expect(state.purgedBefore('gp', TAG)).toBeUndefined();
  });

  it('refuses malformed events from Redis', () => {
    expect(controlEventSchema.safeParse(event({ action: 'isolate' })).success).toBe(true);
    expect(controlEventSchema.safeParse({ ...event({ action: 'purge' }), patientTag: '*' }).success).toBe(
      false,
    );
    expect(controlEventSchema.safeParse(event({ action: 'quarantine' })).success).toBe(false);
    expect(controlEventSchema.safeParse({ ...event({ action: 'isolate' }), action: 'explode' }).success).toBe(
      false,
    );
    expect(
      controlEventSchema.safeParse({ ...event({ action: 'quarantine' }), since: 'yesterday' }).success,
    ).toBe(false);
  });
});
