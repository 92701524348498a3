/** What one call came to, as the rolling window counts it. */
export type CallOutcome = 'success' | 'failure' | 'timeout' | 'rejected';

interface Bucket {
  /** Epoch ms the bucket's slice of time starts at. */
  start: number;
  success: number;
  failure: number;
  timeout: number;
  rejected: number;
  /** Latencies of calls that reached the supplier, at most MAX_SAMPLES a bucket. */
  latencies: number[];
}

const MAX_SAMPLES = 500;

export interface WindowCounts {
  /** Calls that reached the supplier: successes and failures (timeouts included). */
  readonly calls: number;
  readonly failures: number;
  readonly timeouts: number;
  /** Calls the breaker refused without making them. */
  readonly rejected: number;
}

/**
 * Call outcomes over the last `windowMs`: the last `buckets` slices of time, the oldest dropped as each new
 * one begins. Time is read from
 * the clock at each use, so the window needs no timer of its own and follows an injected clock exactly.
 */
export class RollingWindow {
  private readonly slice: number;
  private readonly ring: Bucket[] = [];

  constructor(
    private readonly windowMs: number,
    buckets: number,
    private readonly now: () => number,
  ) {
    this.slice = windowMs / buckets;
  }

  record(outcome: CallOutcome, latencyMs?: number): void {
    const bucket = this.current();
    bucket[outcome]++;
    if (outcome === 'timeout') bucket.failure++;
    if (latencyMs !== undefined && bucket.latencies.length < MAX_SAMPLES) bucket.latencies.push(latencyMs);
  }

  counts(): WindowCounts {
    const live = this.live();
    const sum = (k: 'success' | 'failure' | 'timeout' | 'rejected') => live.reduce((n, b) => n + b[k], 0);
    return {
      calls: sum('success') + sum('failure'),
      failures: sum('failure'),
      timeouts: sum('timeout'),
      rejected: sum('rejected'),
    };
  }

  /** The p-th percentile (0 to 1) of latencies in the window, 0 when there were no calls. */
  percentile(p: number): number {
    const all = this.live()
      .flatMap((b) => b.latencies)
      .sort((a, b) => a - b);
    if (all.length === 0) return 0;
    return all[Math.min(all.length - 1, Math.max(0, Math.ceil(all.length * p) - 1))]!;
  }

  private live(): Bucket[] {
    const oldest = this.now() - this.windowMs;
    while (this.ring.length > 0 && this.ring[0]!.start <= oldest) this.ring.shift();
    return this.ring;
  }

  private current(): Bucket {
    const now = this.now();
    const start = now - (now % this.slice);
    const last = this.ring.at(-1);
    if (last && last.start === start) return last;
    this.live();
    const bucket: Bucket = { start, success: 0, failure: 0, timeout: 0, rejected: 0, latencies: [] };
    this.ring.push(bucket);
    return bucket;
  }
}
