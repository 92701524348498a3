import { z } from 'zod';

/**
 * When a supplier's breaker trips and how it recovers. Defaults suit a supplier whose healthy p99 is tens
 * of milliseconds: a clinician waits at most `timeoutMs` for a failing supplier before the breaker opens,
 * and after it opens nobody waits at all (answers come from the cache).
 */
export const breakerOptionsSchema = z
  .object({
    /** Longest wait for one supplier call; the request is aborted at this point. */
    timeoutMs: z.number().int().min(1).max(120_000).default(2_000),
    /** Length of the rolling window the error rate is computed over. */
    rollingWindowMs: z.number().int().min(1_000).max(600_000).default(10_000),
    /** Buckets the window is divided into (the window slides one bucket at a time). */
    rollingBuckets: z.number().int().min(1).max(100).default(10),
    /** Calls needed in the window before the breaker may open: one early failure must not trip it. */
    volumeThreshold: z.number().int().min(1).max(100_000).default(5),
    /** Failure share of calls in the window, in percent, above which the breaker opens. */
    errorThresholdPercentage: z.number().min(1).max(100).default(50),
    /**
     * Consecutive failures that open the breaker whatever the window says (0: off). Under heavy traffic a
     * window full of earlier successes would otherwise keep a dead supplier's breaker closed for up to
     * `rollingWindowMs`, with every request paying for the failure.
     */
    consecutiveFailures: z.number().int().min(0).max(100_000).default(5),
    /** Time spent open before one probe is let through (half-open). */
    resetTimeoutMs: z.number().int().min(100).max(3_600_000).default(5_000),
    /**
     * What the half-open probe is: `synthetic` sends a lookup of `probeNhsNumber` in the background, so no
     * clinician waits on a supplier that may still be down; `request` lets the next clinician request through.
     */
    halfOpenProbe: z.enum(['synthetic', 'request']).default('synthetic'),
    /**
     * While closed and idle (no call for this long), probe the supplier every this many ms; a failed probe
     * opens the breaker, so ops see a dead supplier before the first clinician does (0: off).
     */
    idleProbeIntervalMs: z.number().int().min(0).max(3_600_000).default(5_000),
    /** The patient the synthetic probe looks up (the PDS sandbox test patient by default). */
    probeNhsNumber: z
      .string()
      .regex(/^\d{10}$/)
      .default('9000000009'),
  })
  .refine((o) => o.rollingWindowMs % o.rollingBuckets === 0, {
    message: 'rollingWindowMs must be a multiple of rollingBuckets',
    path: ['rollingWindowMs'],
  });

export type BreakerOptions = z.output<typeof breakerOptionsSchema>;
export type BreakerOptionsInput = z.input<typeof breakerOptionsSchema>;

/** Validated options, or a RangeError naming the supplier, the option and the bad value. */
export function breakerOptions(supplier: string, input: BreakerOptionsInput = {}): BreakerOptions {
  const result = breakerOptionsSchema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const key = String(issue.path[0]);
    const message = issue.message.charAt(0).toLowerCase() + issue.message.slice(1);
    return `${key}: ${message}, got ${JSON.stringify((input as Record<string, unknown>)[key])}`;
  });
  throw new RangeError(`breaker options for supplier "${supplier}": ${problems.join('; ')}`);
}
