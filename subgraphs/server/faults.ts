/**
 * Fault injection for the reference suppliers, so tests and benchmarks can make a real supplier process
 * misbehave the way real ones do. Only reachable when the process starts with SUPPLIER_FAULTS=on.
 */

export const FAULT_MODES = [
  'none',
  /** Accepts the request and never answers. */
  'hang',
  /** Answers correctly after `latencyMs`. */
  'slow',
  'http-500',
  /** HTTP 200 whose body says the supplier itself failed (data null, INTERNAL_SERVER_ERROR). */
  'graphql-error',
  /** HTTP 200 with a body that is not JSON. */
  'malformed',
  /** Announces a full body, sends half, and drops the connection. */
  'truncated',
  /** Answers every reference with another patient's record, as a compromised supplier might. */
  'wrong-patient',
  /** Answers correctly, then pads the JSON with whitespace to `bytes`, streamed without a length. */
  'huge',
  /** Alternates between `none` and `failure` every `periodMs`. */
  'flap',
] as const;

export type FaultMode = (typeof FAULT_MODES)[number];

export interface FaultSettings {
  readonly mode: FaultMode;
  readonly latencyMs: number;
  readonly periodMs: number;
  readonly bytes: number;
  readonly failure: Exclude<FaultMode, 'flap' | 'none'>;
}

export const NO_FAULT: FaultSettings = {
  mode: 'none',
  latencyMs: 500,
  periodMs: 2000,
  bytes: 16_777_216,
  failure: 'http-500',
};

/** Validates a PUT /__faults body; returns the settings or a message quoting the bad value. */
export function parseFaultSettings(body: unknown): FaultSettings | string {
  if (typeof body !== 'object' || body === null) return 'body must be a JSON object';
  const input = body as Record<string, unknown>;
  const mode = input.mode ?? 'none';
  if (!FAULT_MODES.includes(mode as FaultMode)) return `unknown fault mode ${JSON.stringify(mode)}`;
  const failure = input.failure ?? NO_FAULT.failure;
  if (failure === 'flap' || failure === 'none' || !FAULT_MODES.includes(failure as FaultMode)) {
    return `flap failure must be a failing mode, got ${JSON.stringify(failure)}`;
  }
  const number = (key: 'latencyMs' | 'periodMs' | 'bytes', max: number): number | string => {
    const value = input[key] ?? NO_FAULT[key];
    return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= max
      ? value
      : `${key} must be an integer from 0 to ${max}, got ${JSON.stringify(value)}`;
  };
  const latencyMs = number('latencyMs', 600_000);
  const periodMs = number('periodMs', 600_000);
  const bytes = number('bytes', 268_435_456);
  if (typeof latencyMs === 'string') return latencyMs;
  if (typeof periodMs === 'string') return periodMs;
  if (typeof bytes === 'string') return bytes;
  return {
    mode: mode as FaultMode,
    latencyMs,
    periodMs: Math.max(1, periodMs),
    bytes,
    failure: failure as FaultSettings['failure'],
  };
}

/** The mode in force at `now`: a flapping supplier is failing in every other period. */
export function effectiveMode(settings: FaultSettings, now: number): Exclude<FaultMode, 'flap'> {
  if (settings.mode !== 'flap') return settings.mode;
  return Math.floor(now / settings.periodMs) % 2 === 1 ? settings.failure : 'none';
}
