import type { BreakerOptions } from './options.js';
import type { WindowCounts } from './window.js';

/** What an opening policy reads after each counted failure. */
export interface FailureView {
  readonly window: WindowCounts;
  readonly consecutiveFailures: number;
}

/** Decides whether a closed breaker opens now: the cause, or undefined to stay closed. */
export type OpeningPolicy = (view: FailureView) => string | undefined;

/** Opens after `n` failures in a row, whatever the window says (a busy window hides a dead supplier). */
export const consecutiveFailures =
  (n: number): OpeningPolicy =>
  ({ consecutiveFailures: count }) =>
    count >= n ? `${count} consecutive failures` : undefined;

/** Opens when more than `percent` % of the window's calls failed, once it holds `volume` calls. */
export const errorRate =
  (percent: number, volume: number): OpeningPolicy =>
  ({ window }) => {
    if (window.calls < volume) return undefined;
    const rate = (window.failures / window.calls) * 100;
    return rate > percent
      ? `failure rate over threshold (${rate.toFixed(0)} % of ${window.calls} calls)`
      : undefined;
  };

/** The first policy that says open. */
export const firstOf =
  (...policies: readonly OpeningPolicy[]): OpeningPolicy =>
  (view) => {
    for (const policy of policies) {
      const cause = policy(view);
      if (cause) return cause;
    }
    return undefined;
  };

/** The policy the options describe: consecutive failures (unless 0), then the error rate. */
export function openingPolicy(options: BreakerOptions): OpeningPolicy {
  const rate = errorRate(options.errorThresholdPercentage, options.volumeThreshold);
  return options.consecutiveFailures > 0
    ? firstOf(consecutiveFailures(options.consecutiveFailures), rate)
    : rate;
}
