import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  breakerOptions,
  SupplierBreaker,
  SupplierFailure,
  type Transition,
} from '../../gateway/breakers/index.js';
import { systemClock } from '../../lib/clock.js';

// These tests give the breaker systemClock and fake the globals it reads (vitest's fake timers), so the
// real clock's behaviour is what is tested; breaker-state.test.ts drives it with an injected FakeClock.
beforeEach(() => void vi.useFakeTimers({ now: Date.parse('2026-11-21T09:00:00Z') }));
afterEach(() => void vi.useRealTimers());

const ok = () => Promise.resolve('ok');
const fail = () => Promise.reject(new SupplierFailure('CONNECTION_FAILED', 'ECONNREFUSED'));
const settle = async (p: Promise<unknown>) =>
  p.then(
    () => 'resolved',
    (e: unknown) => e,
  );

function breaker(options = {}, probe?: (signal: AbortSignal) => Promise<unknown>) {
  const transitions: Transition[] = [];
  const b = new SupplierBreaker(
    'gp',
    { volumeThreshold: 4, resetTimeoutMs: 5_000, timeoutMs: 1_000, halfOpenProbe: 'request', ...options },
    { clock: systemClock, ...(probe ? { probe } : {}) },
  );
  b.onTransition((t) => transitions.push(t));
  return { b, transitions, states: () => transitions.map((t) => t.to) };
}

describe('supplier breaker', () => {
  it('does not open on the first failure: the volume threshold must be reached', async () => {
    const { b } = breaker();
    for (let i = 0; i < 3; i++) await settle(b.execute(fail));
    expect(b.state).toBe('CLOSED');
    await settle(b.execute(fail));
    expect(b.state).toBe('OPEN');
  });

  it('stays closed while the failure share is under the threshold', async () => {
    const { b } = breaker({ errorThresholdPercentage: 50, consecutiveFailures: 0 });
    for (let i = 0; i < 6; i++) await settle(b.execute(ok));
    for (let i = 0; i < 5; i++) await settle(b.execute(fail));
    expect(b.state).toBe('CLOSED');
    await settle(b.execute(fail)); // 6 of 12 is not over 50 %
    await settle(b.execute(fail)); // 7 of 13 is
    expect(b.state).toBe('OPEN');
  });

  it('opens on consecutive failures even when the window is full of earlier successes', async () => {
    const { b } = breaker({ consecutiveFailures: 5 });
    for (let i = 0; i < 200; i++) await settle(b.execute(ok));
    for (let i = 0; i < 4; i++) await settle(b.execute(fail));
    expect(b.state).toBe('CLOSED');
    await settle(b.execute(fail));
    expect(b.state).toBe('OPEN');
  });

  it('counts consecutive failures only until a success', async () => {
    const { b } = breaker({ consecutiveFailures: 3 });
    for (let i = 0; i < 50; i++) await settle(b.execute(ok));
    for (let i = 0; i < 20; i++) await settle(b.execute(i % 3 === 2 ? ok : fail));
    expect(b.state).toBe('CLOSED');
  });

  it('forgets failures that left the rolling window', async () => {
    const { b } = breaker({ rollingWindowMs: 10_000, rollingBuckets: 10 });
    for (let i = 0; i < 3; i++) await settle(b.execute(fail));
    await vi.advanceTimersByTimeAsync(11_000);
    await settle(b.execute(fail));
    expect(b.state).toBe('CLOSED');
  });

  it('refuses calls while open without making them, then goes half-open after the reset timeout', async () => {
    const { b, states } = breaker();
    for (let i = 0; i < 4; i++) await settle(b.execute(fail));
    const call = vi.fn(ok);
    const refused = await settle(b.execute(call));
    expect(refused).toMatchObject({ reason: 'BREAKER_OPEN' });
    expect(call).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(4_999);
    expect(b.state).toBe('OPEN');
    await vi.advanceTimersByTimeAsync(1);
    expect(b.state).toBe('HALF_OPEN');
    expect(await settle(b.execute(call))).toBe('resolved');
    expect(b.state).toBe('CLOSED');
    expect(states()).toEqual(['OPEN', 'HALF_OPEN', 'CLOSED']);
  });

  it('closes when the half-open probe gets an answer the failure filter does not count', async () => {
    // An error the filter lets through uncounted means the supplier answered: the probe succeeded.
    const refused = new Error('patient not held here');
    const transitions: Transition[] = [];
    const b = new SupplierBreaker(
      'gp',
      { volumeThreshold: 4, resetTimeoutMs: 5_000, timeoutMs: 1_000, halfOpenProbe: 'request' },
      { clock: systemClock, isFailure: (e) => e !== refused },
    );
    b.onTransition((t) => transitions.push(t));
    for (let i = 0; i < 4; i++) await settle(b.execute(fail));
    await vi.advanceTimersByTimeAsync(5_000);
    expect(b.state).toBe('HALF_OPEN');
    expect(await settle(b.execute(() => Promise.reject(refused)))).toBe(refused);
    expect(b.state).toBe('CLOSED');
    expect(await settle(b.execute(ok))).toBe('resolved');
    expect(transitions.map((t) => t.to)).toEqual(['OPEN', 'HALF_OPEN', 'CLOSED']);
  });

  it('re-opens when the half-open probe fails', async () => {
    const { b, states } = breaker();
    for (let i = 0; i < 4; i++) await settle(b.execute(fail));
    await vi.advanceTimersByTimeAsync(5_000);
    await settle(b.execute(fail));
    expect(states()).toEqual(['OPEN', 'HALF_OPEN', 'OPEN']);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(b.state).toBe('HALF_OPEN');
  });

  it('lets only one probe through in half-open', async () => {
    const { b } = breaker();
    for (let i = 0; i < 4; i++) await settle(b.execute(fail));
    await vi.advanceTimersByTimeAsync(5_000);
    let release!: () => void;
    const probe = b.execute(() => new Promise<string>((r) => (release = () => r('ok'))));
    expect(await settle(b.execute(ok))).toMatchObject({ reason: 'BREAKER_OPEN' });
    release();
    await probe;
    expect(b.state).toBe('CLOSED');
  });

  it('does not let a late answer from before the opening close a half-open breaker', async () => {
    const { b } = breaker({ timeoutMs: 60_000, resetTimeoutMs: 5_000 });
    let lateAnswer!: () => void;
    const late = b.execute(() => new Promise<string>((r) => (lateAnswer = () => r('late'))));
    for (let i = 0; i < 4; i++) await settle(b.execute(fail));
    expect(b.state).toBe('OPEN');
    await vi.advanceTimersByTimeAsync(5_000);
    expect(b.state).toBe('HALF_OPEN');
    lateAnswer();
    expect(await late).toBe('late'); // the caller still gets its answer ...
    expect(b.state).toBe('HALF_OPEN'); // ... but only the probe decides
    await settle(b.execute(ok));
    expect(b.state).toBe('CLOSED');
  });

  it('does not let a late failure from before the opening re-open a half-open breaker', async () => {
    const { b } = breaker({ timeoutMs: 60_000 });
    let lateFailure!: () => void;
    const late = b.execute(
      () =>
        new Promise<string>(
          (_, reject) => (lateFailure = () => reject(new SupplierFailure('HTTP_STATUS', '500'))),
        ),
    );
    for (let i = 0; i < 4; i++) await settle(b.execute(fail));
    await vi.advanceTimersByTimeAsync(5_000);
    lateFailure();
    await settle(late);
    expect(b.state).toBe('HALF_OPEN');
  });

  it('probes in the background in synthetic mode, so no clinician request waits on the probe', async () => {
    let release!: (ok: boolean) => void;
    const probe = vi.fn(
      () =>
        new Promise(
          (resolve, reject) => (release = (good) => (good ? resolve('ok') : reject(new Error('down')))),
        ),
    );
    const { b, states } = breaker({ halfOpenProbe: 'synthetic' }, probe);
    for (let i = 0; i < 4; i++) await settle(b.execute(fail));
    await vi.advanceTimersByTimeAsync(5_000);
    expect(probe).toHaveBeenCalledTimes(1);
    const call = vi.fn(ok);
    expect(await settle(b.execute(call))).toMatchObject({ reason: 'BREAKER_OPEN' });
    expect(call).not.toHaveBeenCalled();
    release(false);
    await vi.advanceTimersByTimeAsync(0);
    expect(b.state).toBe('OPEN');
    await vi.advanceTimersByTimeAsync(5_000);
    expect(probe).toHaveBeenCalledTimes(2);
    release(true);
    await vi.advanceTimersByTimeAsync(0);
    expect(states()).toEqual(['OPEN', 'HALF_OPEN', 'OPEN', 'HALF_OPEN', 'CLOSED']);
  });

  it('probes an idle supplier and opens when the probe fails, without any clinician traffic', async () => {
    let healthy = true;
    const probe = vi.fn(() =>
      healthy
        ? Promise.resolve('ok')
        : Promise.reject(new SupplierFailure('CONNECTION_FAILED', 'ECONNREFUSED')),
    );
    const { b, transitions } = breaker({ halfOpenProbe: 'synthetic', idleProbeIntervalMs: 5_000 }, probe);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(probe).toHaveBeenCalledTimes(1);
    expect(b.state).toBe('CLOSED');
    healthy = false;
    await vi.advanceTimersByTimeAsync(5_000);
    expect(b.state).toBe('OPEN');
    expect(transitions.at(-1)?.cause).toBe('idle probe failed (CONNECTION_FAILED)');
    healthy = true;
    await vi.advanceTimersByTimeAsync(5_000); // reset timeout: half-open, synthetic probe succeeds
    expect(b.state).toBe('CLOSED');
  });

  it('does not probe while traffic flows, nor while isolated', async () => {
    const probe = vi.fn(() => Promise.resolve('ok'));
    const { b } = breaker({ halfOpenProbe: 'synthetic', idleProbeIntervalMs: 5_000 }, probe);
    for (let i = 0; i < 5; i++) {
      await vi.advanceTimersByTimeAsync(1_000);
      await settle(b.execute(ok));
    }
    expect(probe).not.toHaveBeenCalled();
    b.isolate('incident');
    await vi.advanceTimersByTimeAsync(30_000);
    expect(probe).not.toHaveBeenCalled();
  });

  it('times calls out, aborting the request, and counts the timeout as a failure', async () => {
    const { b } = breaker({ timeoutMs: 1_000 });
    let signal!: AbortSignal;
    const hung = settle(b.execute((s) => ((signal = s), new Promise(() => undefined))));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(await hung).toMatchObject({ reason: 'TIMEOUT' });
    expect(signal.aborted).toBe(true);
    expect(b.stats()).toMatchObject({ failures: 1, lastFailure: { reason: 'TIMEOUT' } });
  });

  it('does not count client answers as failures', async () => {
    const { b } = breaker({ volumeThreshold: 1 });
    // A supplier that answers "no record for this patient" resolves: only rejections are failures.
    await settle(b.execute(() => Promise.resolve({ kind: 'refused' })));
    expect(b.stats()).toMatchObject({ calls: 1, failures: 0 });
    expect(b.state).toBe('CLOSED');
  });

  it('isolates: refuses everything without calling until restored, and reports ISOLATED', async () => {
    const { b, states } = breaker();
    b.isolate('ransomware suspected');
    const call = vi.fn(ok);
    expect(await settle(b.execute(call))).toMatchObject({ reason: 'ISOLATED' });
    expect(call).not.toHaveBeenCalled();
    b.restore('all clear');
    expect(await settle(b.execute(call))).toBe('resolved');
    expect(states()).toEqual(['ISOLATED', 'CLOSED']);
  });

  it('probes once restored when its reset timeout passed while it was isolated', async () => {
    const probe = vi.fn(() => Promise.resolve('ok'));
    const { b, states } = breaker({ halfOpenProbe: 'synthetic', idleProbeIntervalMs: 0 }, probe);
    for (let i = 0; i < 4; i++) await settle(b.execute(fail));
    b.isolate('incident');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(probe).not.toHaveBeenCalled();
    b.restore('all clear');
    await vi.advanceTimersByTimeAsync(0);
    expect(probe).toHaveBeenCalledTimes(1);
    expect(b.state).toBe('CLOSED');
    expect(states()).toEqual(['OPEN', 'ISOLATED', 'HALF_OPEN', 'CLOSED']);
  });

  it('resets an open breaker to closed at once, forgetting its last failure', async () => {
    const { b } = breaker();
    for (let i = 0; i < 4; i++) await settle(b.execute(fail));
    b.reset('supplier confirmed fixed');
    expect(b.state).toBe('CLOSED');
    expect(b.stats().lastFailure).toBeUndefined();
    expect(await settle(b.execute(ok))).toBe('resolved');
  });

  it('records when each state began', async () => {
    const { b, transitions } = breaker();
    const start = Date.now();
    await vi.advanceTimersByTimeAsync(2_000);
    for (let i = 0; i < 4; i++) await settle(b.execute(fail));
    expect(b.since).toBe(start + 2_000);
    expect(transitions[0]).toMatchObject({ supplier: 'gp', from: 'CLOSED', to: 'OPEN', at: start + 2_000 });
  });
});

describe('breaker options', () => {
  it('has sane defaults', () => {
    expect(breakerOptions('gp')).toMatchObject({
      timeoutMs: 2_000,
      volumeThreshold: 5,
      errorThresholdPercentage: 50,
    });
  });

  it.each([
    [{ volumeThreshold: 0 }, /volumeThreshold.*got 0/],
    [{ timeoutMs: -5 }, /timeoutMs.*got -5/],
    [{ errorThresholdPercentage: 150 }, /errorThresholdPercentage.*got 150/],
    [{ rollingWindowMs: 10_001 }, /rollingWindowMs.*multiple of rollingBuckets.*got 10001/],
    [{ resetTimeoutMs: 1.5 }, /resetTimeoutMs.*got 1.5/],
  ])('refuses %o with a RangeError quoting the value', (input, message) => {
    expect(() => breakerOptions('gp', input)).toThrow(RangeError);
    expect(() => breakerOptions('gp', input)).toThrow(message);
  });
});
