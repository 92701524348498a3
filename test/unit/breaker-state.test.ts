import { describe, expect, it } from 'vitest';
import {
  consecutiveFailures,
  errorRate,
  firstOf,
  SupplierBreaker,
  SupplierFailure,
} from '../../gateway/breakers/index.js';
import { INITIAL, next, reported, type BreakerCore } from '../../gateway/breakers/state.js';
import { RollingWindow } from '../../gateway/breakers/window.js';
import { FakeClock, flush } from '../helpers/clock.js';

const at = 1_000;
const trip = { type: 'trip', cause: 'test', at, resetTimeoutMs: 5_000 } as const;
const outcome = (ok: boolean, startedIn: number) =>
  ({ type: 'outcome', ok, startedIn, at, resetTimeoutMs: 5_000 }) as const;

describe('breaker state machine (pure)', () => {
  it('walks CLOSED → OPEN → HALF_OPEN → CLOSED, moving the epoch on every change of the circuit', () => {
    const open = next(INITIAL, trip);
    expect(open.circuit).toEqual({ kind: 'OPEN', cause: 'test', halfOpenAt: 6_000 });
    const half = next(open, { type: 'reset-timeout', epoch: open.epoch });
    expect(half.circuit).toEqual({ kind: 'HALF_OPEN', probe: 'awaited' });
    const probing = next(half, { type: 'probe-sent' });
    expect(probing.circuit).toEqual({ kind: 'HALF_OPEN', probe: 'in-flight' });
    expect(probing.epoch).toBe(half.epoch);
    const closed = next(probing, outcome(true, probing.epoch));
    expect(closed.circuit.kind).toBe('CLOSED');
    expect([INITIAL, open, half, closed].map((c) => c.epoch)).toEqual([0, 1, 2, 3]);
  });

  it('re-opens on a failed probe, and ignores answers from earlier epochs', () => {
    const half = next(next(INITIAL, trip), { type: 'reset-timeout', epoch: 1 });
    expect(next(half, outcome(true, 0))).toBe(half);
    expect(next(half, outcome(false, 1))).toBe(half);
    expect(next(half, outcome(false, half.epoch)).circuit).toMatchObject({
      kind: 'OPEN',
      cause: 'half-open probe failed',
    });
  });

  it('ignores events that do not apply: a trip when not closed, a stale reset timer, a second probe', () => {
    const open = next(INITIAL, trip);
    expect(next(open, trip)).toBe(open);
    expect(next(open, { type: 'reset-timeout', epoch: 0 })).toBe(open);
    expect(next(INITIAL, { type: 'probe-sent' })).toBe(INITIAL);
    expect(next(INITIAL, outcome(false, 0))).toBe(INITIAL);
  });

  it('lays an isolation over the circuit, which keeps moving underneath; reset clears both', () => {
    const isolated = next(next(INITIAL, trip), { type: 'isolate', cause: 'SOC' });
    expect(reported(isolated)).toBe('ISOLATED');
    const half: BreakerCore = next(isolated, { type: 'reset-timeout', epoch: isolated.epoch });
    expect(reported(half)).toBe('ISOLATED');
    expect(reported(next(half, { type: 'restore' }))).toBe('HALF_OPEN');
    expect(next(half, { type: 'reset', keepIsolation: true })).toMatchObject({
      circuit: { kind: 'CLOSED' },
      isolation: 'SOC',
    });
    expect(reported(next(half, { type: 'reset', keepIsolation: false }))).toBe('CLOSED');
  });
});

describe('opening policies', () => {
  const view = (calls: number, failures: number, consecutive: number) => ({
    window: { calls, failures, timeouts: 0, rejected: 0 },
    consecutiveFailures: consecutive,
  });

  it('opens on consecutive failures, or on a failure rate over a volume, the first to say so', () => {
    const policy = firstOf(consecutiveFailures(3), errorRate(50, 10));
    expect(policy(view(100, 2, 2))).toBeUndefined();
    expect(policy(view(100, 3, 3))).toBe('3 consecutive failures');
    expect(policy(view(9, 8, 1))).toBeUndefined(); // under the volume
    expect(policy(view(10, 5, 1))).toBeUndefined(); // 50 % is not over 50 %
    expect(policy(view(10, 6, 1))).toMatch(/failure rate over threshold \(60 % of 10 calls\)/);
  });
});

describe('rolling window on an injected clock', () => {
  it('expires a bucket at a time, with no timer of its own', () => {
    const clock = new FakeClock();
    const window = new RollingWindow(10_000, 10, clock.now);
    window.record('failure', 5);
    clock.tick(5_000);
    window.record('timeout', 1_000);
    window.record('success', 10);
    window.record('rejected');
    expect(window.counts()).toEqual({ calls: 3, failures: 2, timeouts: 1, rejected: 1 });
    expect(window.percentile(0.5)).toBe(10);
    clock.tick(5_000);
    expect(window.counts()).toEqual({ calls: 2, failures: 1, timeouts: 1, rejected: 1 });
    clock.tick(10_000);
    expect(window.counts()).toEqual({ calls: 0, failures: 0, timeouts: 0, rejected: 0 });
  });
});

describe('the breaker on an injected clock (no global fake timers)', () => {
  it('opens, waits its reset timeout on that clock, probes in the background and closes', async () => {
    const clock = new FakeClock();
    let healthy = false;
    const probe = () =>
      healthy ? Promise.resolve('ok') : Promise.reject(new SupplierFailure('HTTP_STATUS', '503'));
    const b = new SupplierBreaker(
      'gp',
      { volumeThreshold: 2, resetTimeoutMs: 5_000, halfOpenProbe: 'synthetic', idleProbeIntervalMs: 0 },
      { clock, probe },
    );
    const states: string[] = [];
    b.onTransition((t) => states.push(t.to));
    for (let i = 0; i < 2; i++) await b.execute(probe).catch(() => undefined);
    expect(b.state).toBe('OPEN');
    clock.tick(4_999);
    expect(b.state).toBe('OPEN');
    clock.tick(1);
    await flush();
    expect(states).toEqual(['OPEN', 'HALF_OPEN', 'OPEN']); // the probe failed
    healthy = true;
    clock.tick(5_000);
    await flush();
    expect(states).toEqual(['OPEN', 'HALF_OPEN', 'OPEN', 'HALF_OPEN', 'CLOSED']);
    b.shutdown();
  });
});
