import { z } from 'zod';
import { ConfigError, host, integer, onOff, parseSettings, port } from '../../lib/env.js';
import { DEFAULT_POPULATION } from '../synthetic/index.js';
import type { VerifierSettings } from './assertion.js';

export interface SupplierSettings {
  readonly host: string;
  readonly port: number;
  /** Exposes /__faults and /__stats for tests and benchmarks. Refused in production. */
  readonly faults: boolean;
  /** Artificial latency added to every backend lookup (one lookup per batch of patients). */
  readonly latencyMs: number;
  readonly seed: number;
  readonly patients: number;
  /**
   * How the gateway's signed assertion is checked on every request (the audience is filled in by the
   * supplier), or undefined when checking is off (development and benchmarks only).
   */
  readonly assertions: Omit<VerifierSettings, 'audience'> | undefined;
}

/**
 * A supplier's settings from its environment. `prefix` is the supplier's name in capitals: GP_PORT,
 * HOSPITAL_HOST, ... The synthetic data settings are shared so every process generates the same patients.
 */
const settingsSchema = (prefix: string, defaultPort: number) =>
  z.object({
    NODE_ENV: z
      .enum(['development', 'production', 'test'], { error: 'must be development, production or test' })
      .default('development'),
    [`${prefix}_HOST`]: host('127.0.0.1'),
    [`${prefix}_PORT`]: port(defaultPort),
    SUPPLIER_FAULTS: onOff('off'),
    SUPPLIER_LATENCY_MS: integer(0, 0, 60_000),
    SUPPLIER_VERIFY_ASSERTIONS: onOff('on'),
    GATEWAY_JWKS_URL: z
      .string()
      .refine((v) => URL.canParse(v) && /^https?:$/.test(new URL(v).protocol), 'must be an http(s) URL')
      .optional(),
    GATEWAY_JWKS: z
      .string()
      .refine((v) => {
        try {
          return Array.isArray((JSON.parse(v) as { keys?: unknown }).keys);
        } catch {
          return false;
        }
      }, 'must be a JSON Web Key Set ({"keys": [...]})')
      .optional(),
    GATEWAY_ISSUER: z.string().min(1).default('patient-record-gateway'),
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
  const production = parsed.NODE_ENV === 'production';
  const verify = parsed.SUPPLIER_VERIFY_ASSERTIONS as boolean;
  const jwksUrl = parsed.GATEWAY_JWKS_URL as string | undefined;
  const jwks = parsed.GATEWAY_JWKS as string | undefined;
  const problems: string[] = [];
  // In production a supplier only ever answers the gateway, and has no test hooks at all.
  if (production && parsed.SUPPLIER_FAULTS) {
    problems.push('SUPPLIER_FAULTS: fault injection does not exist in production, got "on"');
  }
  if (production && !verify) {
    problems.push('SUPPLIER_VERIFY_ASSERTIONS: must be on in production, got "off"');
  }
  if (verify && !jwksUrl === !jwks) {
    problems.push(
      "GATEWAY_JWKS_URL or GATEWAY_JWKS: set exactly one so the gateway's assertions can be verified (or SUPPLIER_VERIFY_ASSERTIONS=off outside production)",
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    host: parsed[`${prefix}_HOST`] as string,
    port: parsed[`${prefix}_PORT`] as number,
    faults: parsed.SUPPLIER_FAULTS as boolean,
    latencyMs: parsed.SUPPLIER_LATENCY_MS as number,
    seed: parsed.SYNTHETIC_SEED as number,
    patients: parsed.SYNTHETIC_PATIENTS as number,
    assertions: verify ? { issuer: parsed.GATEWAY_ISSUER as string, jwksUrl, jwks } : undefined,
  };
}
