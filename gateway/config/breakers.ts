import { ConfigError } from '../../lib/env.js';
import { breakerOptions, type BreakerOptionsInput } from '../breakers/index.js';
import type { MarketSupplier } from '../directory/index.js';

type Env = Record<string, string | undefined>;

export const BREAKER_VARIABLES = {
  TIMEOUT_MS: 'timeoutMs',
  ROLLING_WINDOW_MS: 'rollingWindowMs',
  ROLLING_BUCKETS: 'rollingBuckets',
  VOLUME_THRESHOLD: 'volumeThreshold',
  ERROR_PERCENTAGE: 'errorThresholdPercentage',
  CONSECUTIVE_FAILURES: 'consecutiveFailures',
  RESET_TIMEOUT_MS: 'resetTimeoutMs',
  HALF_OPEN_PROBE: 'halfOpenProbe',
  IDLE_PROBE_MS: 'idleProbeIntervalMs',
  PROBE_NHS_NUMBER: 'probeNhsNumber',
} as const satisfies Record<string, keyof BreakerOptionsInput>;

/** `gp-aurora` -> `GP_AURORA`: the prefix of a supplier's own breaker variables. */
export const variablePrefix = (supplier: string) => supplier.toUpperCase().replace(/-/g, '_');

/**
 * A supplier's breaker options, most specific first: `GP_AURORA_BREAKER_TIMEOUT_MS` for one supplier, its
 * `breaker` entry in the market file, `BREAKER_TIMEOUT_MS` for all, else the default. Range checks are the
 * breaker's own (breakers/options.ts), run here once at start-up.
 */
export function supplierBreaker(supplier: MarketSupplier, env: Env): BreakerOptionsInput {
  const input: Record<string, unknown> = {};
  const names: Record<string, string> = {};
  const prefix = variablePrefix(supplier.name);
  for (const [suffix, option] of Object.entries(BREAKER_VARIABLES)) {
    const own = `${prefix}_BREAKER_${suffix}`;
    const fromFile = (supplier.breaker as Record<string, unknown> | undefined)?.[option];
    const variable = env[own]
      ? own
      : fromFile === undefined && env[`BREAKER_${suffix}`]
        ? `BREAKER_${suffix}`
        : undefined;
    if (variable) {
      const raw = env[variable]!;
      names[option] = variable;
      input[option] =
        /^-?\d+(\.\d+)?$/.test(raw) && !option.startsWith('probe') && option !== 'halfOpenProbe'
          ? Number(raw)
          : raw;
    } else if (fromFile !== undefined) input[option] = fromFile;
  }
  try {
    breakerOptions(supplier.name, input);
  } catch (error) {
    throw new ConfigError([
      `${Object.values(names).join(', ') || 'breaker settings'}: ${(error as Error).message}`,
    ]);
  }
  return input;
}
