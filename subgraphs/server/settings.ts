import { z } from 'zod';
import { host, integer, onOff, parseSettings, port } from '../../lib/env.js';
import { DEFAULT_POPULATION } from '../synthetic/index.js';

export interface SupplierSettings {
  readonly host: string;
  readonly port: number;
  /** Exposes /__faults and /__stats for tests and benchmarks. */
  readonly faults: boolean;
  /** Artificial latency added to every backend lookup (one lookup per batch of patients). */
  readonly latencyMs: number;
  readonly seed: number;
  readonly patients: number;
}

/**
 * A supplier's settings from its environment. `prefix` is the supplier's name in capitals: GP_PORT,
 * HOSPITAL_HOST, ... The synthetic data settings are shared so every process generates the same patients.
 */
const settingsSchema = (prefix: string, defaultPort: number) =>
  z.object({
    [`${prefix}_HOST`]: host('127.0.0.1'),
    [`${prefix}_PORT`]: port(defaultPort),
    SUPPLIER_FAULTS: onOff('off'),
    SUPPLIER_LATENCY_MS: integer(0, 0, 60_000),
    SYNTHETIC_SEED: integer(DEFAULT_POPULATION.seed, 0, 2 ** 32 - 1),
    SYNTHETIC_PATIENTS: integer(DEFAULT_POPULATION.size, 5, 100_000),
  });

/** Every environment variable a supplier reads (docs/configuration.md must list each one). */
export const supplierVariables = (prefix: string): string[] => Object.keys(settingsSchema(prefix, 0).shape);

export function supplierSettings(
  prefix: string,
  defaultPort: number,
  env: Record<string, string | undefined> = process.env,
): SupplierSettings {
  const parsed = parseSettings(settingsSchema(prefix, defaultPort), env) as Record<string, unknown>;
  return {
    host: parsed[`${prefix}_HOST`] as string,
    port: parsed[`${prefix}_PORT`] as number,
    faults: parsed.SUPPLIER_FAULTS as boolean,
    latencyMs: parsed.SUPPLIER_LATENCY_MS as number,
    seed: parsed.SYNTHETIC_SEED as number,
    patients: parsed.SYNTHETIC_PATIENTS as number,
  };
}
