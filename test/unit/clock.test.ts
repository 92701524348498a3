import { describe, expect, it } from 'vitest';
import { every } from '../../lib/clock.js';
import { FakeClock } from '../helpers/clock.js';

describe('every', () => {
  it('repeats on the injected clock, and stops when told', () => {
    const clock = new FakeClock();
    const runs: number[] = [];
    const stop = every(clock, 5_000, () => runs.push(clock.now()));
    clock.tick(4_999);
    expect(runs).toEqual([]);
    clock.tick(10_001);
    expect(runs.length).toBe(3);
    expect(runs[1]! - runs[0]!).toBe(5_000);
    stop();
    clock.tick(60_000);
    expect(runs.length).toBe(3);
  });
});
