/**
 * Property: no operation a client can write makes a healthy supplier fail, and every answer is right.
 * Arbitrary operations (aliases, clashing and reserved aliases, duplicates, fragments, directives) go to a
 * real gateway over real suppliers; each is checked against the truth (the same operation run on the
 * synthetic data with no federation at all, test/helpers/truth.ts). Valid operations must answer exactly
 * the truth's data and error codes; invalid ones must be refused (400) as graphql-js refuses them. After
 * all of them, neither supplier has counted a failure or refused a call. The seed is fixed so a run is
 * repeatable; set PROPERTY_SEED to explore others.
 */
import fc from 'fast-check';
import { parse, specifiedRules, validate } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../gateway/app.js';
import { reservedAliasesRule } from '../../gateway/limits/index.js';
import { startSupplier, type TestSupplier } from '../../lib/testbed/index.js';
import { graphql, startTestGateway } from '../helpers/gateway.js';
import { operations } from '../helpers/operations.js';
import { LOOKUP_NUMBERS, population } from '../helpers/scenario.js';
import { apiSchema, truthFor } from '../helpers/truth.js';

const RUNS = 1_000;
const SEED = Number(process.env.PROPERTY_SEED ?? 20_260_521);
const NUMBERS = LOOKUP_NUMBERS;

const codes = (errors: readonly { extensions?: Record<string, unknown> }[] | undefined) =>
  [...new Set((errors ?? []).map((e) => String(e.extensions?.code)))].sort();

describe('generated client operations against real suppliers', () => {
  let gp: TestSupplier;
  let hospital: TestSupplier;
  let gateway: RunningGateway;

  beforeAll(async () => {
    [gp, hospital] = await Promise.all([startSupplier('gp'), startSupplier('hospital')]);
    gateway = await startTestGateway({ gp, hospital }, { BREAKER_IDLE_PROBE_MS: '0' });
  });
  afterAll(async () => {
    await gateway?.close();
    await Promise.all([gp?.stop(), hospital?.stop()]);
  });

  // A thousand real requests: allowed the time they take on a busy machine, not the default 30 s.
  it(
    `answers ${RUNS} arbitrary operations exactly as the truth does, and never fails a healthy supplier`,
    { timeout: 180_000 },
    async () => {
      const seen = { valid: 0, refused: 0 };
      await fc.assert(
        fc.asyncProperty(operations(apiSchema, NUMBERS), async (op) => {
          fc.pre(op.aliases <= 30 && op.directives <= 20); // within QUERY_MAX_ALIASES and armor's directive limit
          const document = parse(op.query);
          const invalid = validate(apiSchema, document, [...specifiedRules, reservedAliasesRule]);
          const { status, body } = await graphql(gateway.url, op.query, op.variables);
          if (invalid.length > 0) {
            seen.refused++;
            expect({ status, code: body.errors?.[0]?.extensions?.code }).toEqual({
              status: 400,
              code: 'GRAPHQL_VALIDATION_FAILED',
            });
            return;
          }
          seen.valid++;
          const truth = truthFor(population, document, op.variables);
          expect(status).toBe(200);
          expect(body.data).toEqual(truth.data);
          expect(codes(body.errors)).toEqual(codes(truth.errors));
          for (const [, supplier] of Object.entries(body.extensions?.availability ?? {})) {
            expect(supplier).toMatchObject({ status: 'LIVE', breaker: 'CLOSED' });
          }
        }),
        { numRuns: RUNS, seed: SEED, endOnFailure: true },
      );
      // Both kinds were exercised, and the suppliers were really asked.
      expect(seen.valid).toBeGreaterThan(RUNS / 2);
      expect(seen.refused).toBeGreaterThan(20);
      const [gpStats, hospitalStats] = await Promise.all([gp.stats(), hospital.stats()]);
      expect(gpStats.requests).toBeGreaterThan(100);
      expect(hospitalStats.requests).toBeGreaterThan(100);
      expect(gpStats.refused + hospitalStats.refused).toBe(0);
      for (const supplier of gateway.suppliers) {
        const stats = supplier.breaker.stats();
        expect({ supplier: supplier.name, state: stats.state, failures: stats.failures }).toEqual({
          supplier: supplier.name,
          state: 'CLOSED',
          failures: 0,
        });
      }
    },
  );
});
