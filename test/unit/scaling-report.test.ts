import { describe, expect, it } from 'vitest';
import { fitLine, marginalCosts, type Point } from '../../load-tests/scaling/report.js';

const point = (x: number, cpuUs: number): Point => ({
  dimension: 'patients',
  x,
  rps: 0,
  p50: 0,
  p99: 0,
  cpuUs,
  allocatedKb: 0,
  gcUs: 0,
  errors: 0,
});

describe('the cost-curve arithmetic of the scaling benchmark', () => {
  it('fits a straight line exactly when the cost is linear', () => {
    const fit = fitLine([1, 5, 20, 50], [500, 900, 2400, 5400]);
    expect(fit.slope).toBeCloseTo(100, 6);
    expect(fit.intercept).toBeCloseTo(400, 6);
    expect(fit.r2).toBeCloseTo(1, 9);
  });

  it('reports the cost of each added unit, which grows when the cost is worse than linear', () => {
    expect(marginalCosts([point(5, 900), point(1, 500), point(20, 2400)])).toEqual([100, 100]);
    const quadratic = marginalCosts([1, 5, 20, 50].map((x) => point(x, 10 * x * x)));
    expect(quadratic[2]!).toBeGreaterThan(quadratic[0]!);
  });
});
