import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError, host, integer, onOff, parseSettings, port } from '../../lib/env.js';
import { DEFAULT_POPULATION, REFERENCE_MARKET, type SupplierKind } from '../synthetic/index.js';
import type { VerifierSettings } from './assertion.js';

export interface SupplierSettings {
  /** The supplier's name: in logs, and the audience the gateway's assertions must carry. */
  readonly name: string;
  readonly kind: SupplierKind;
  /** ODS codes of the practices or trusts whose records it holds. */
  readonly organisations: readonly string[];
  readonly host: string;
  readonly port: number;
  /** Exposes /__faults and /__stats for tests and benchmarks. Refused in production. */
  readonly faults: boolean;
  /** Artificial latency added to every backend lookup (one lookup per batch of patients). */
  readonly latencyMs: number;
  readonly seed: number;
  readonly patients: number;
  /**
   * How the gateway's signed assertion is checked on every request (the audience is the supplier's name),
   * or undefined when checking is off (development and benchmarks only).
   */
  readonly assertions: Omit<VerifierSettings, 'audience'> | undefined;
  /**
   * The domain SDL it serves (its own definitions, without the shared types) when it is not the committed
   * contract: a supplier that already serves the next version of its domain's contract.
   */
  readonly sdl: string | undefined;
}

const KINDS = ['gp-system', 'trust-epr', 'summary-record'] as const satisfies readonly SupplierKind[];
const ODS = /^[A-Z0-9]{3,10}$/;

const settingsSchema = z.object({
  NODE_ENV: z
    .enum(['development', 'production', 'test'], { error: 'must be development, production or test' })
    .default('development'),
  SUPPLIER_NAME: z
    .string()
    .regex(/^[a-z][a-z0-9-]{1,62}$/, 'must be lower-case letters, digits and dashes')
    .default('gp-aurora'),
  SUPPLIER_KIND: z.enum(KINDS, { error: `must be one of ${KINDS.join(', ')}` }).optional(),
  SUPPLIER_ORGANISATIONS: z
    .string()
    .refine(
      (v) => v === '' || v.split(',').every((c) => ODS.test(c.trim())),
      'must be comma-separated ODS codes',
    )
    .optional(),
  SUPPLIER_HOST: host('127.0.0.1'),
  SUPPLIER_PORT: port(0).optional(),
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
  SUPPLIER_SDL_FILE: z.string().min(1).optional(),
  SYNTHETIC_SEED: integer(DEFAULT_POPULATION.seed, 0, 2 ** 32 - 1),
  SYNTHETIC_PATIENTS: integer(DEFAULT_POPULATION.size, 8, 100_000),
});

/** Every environment variable a supplier reads (docs/configuration.md must list each one). */
export const supplierVariables = (): string[] => Object.keys(settingsSchema.shape);

/**
 * A supplier's settings from its environment. A name from the reference market (subgraphs/synthetic/
 * market.ts) brings its kind, organisations and port; any of them can be set, and a new name needs its
 * kind. The synthetic data settings are shared so every process generates the same patients.
 */
export function supplierSettings(env: Record<string, string | undefined> = process.env): SupplierSettings {
  const parsed = parseSettings(settingsSchema, env);
  const known = REFERENCE_MARKET.find((s) => s.name === parsed.SUPPLIER_NAME);
  const production = parsed.NODE_ENV === 'production';
  const verify = parsed.SUPPLIER_VERIFY_ASSERTIONS;
  const problems: string[] = [];
  const kind = parsed.SUPPLIER_KIND ?? known?.kind;
  if (!kind) {
    problems.push(
      `SUPPLIER_KIND: required for a supplier outside the reference market ("${parsed.SUPPLIER_NAME}"), got nothing`,
    );
  }
  // In production a supplier only ever answers the gateway, and has no test hooks at all.
  if (production && parsed.SUPPLIER_FAULTS) {
    problems.push('SUPPLIER_FAULTS: fault injection does not exist in production, got "on"');
  }
  if (production && !verify) {
    problems.push('SUPPLIER_VERIFY_ASSERTIONS: must be on in production, got "off"');
  }
  if (verify && !parsed.GATEWAY_JWKS_URL === !parsed.GATEWAY_JWKS) {
    problems.push(
      "GATEWAY_JWKS_URL or GATEWAY_JWKS: set exactly one so the gateway's assertions can be verified (or SUPPLIER_VERIFY_ASSERTIONS=off outside production)",
    );
  }
  let sdl: string | undefined;
  if (parsed.SUPPLIER_SDL_FILE) {
    try {
      sdl = readFileSync(parsed.SUPPLIER_SDL_FILE, 'utf8');
    } catch (error) {
      problems.push(
        `SUPPLIER_SDL_FILE: cannot read "${parsed.SUPPLIER_SDL_FILE}" (${(error as Error).message})`,
      );
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const organisations =
    parsed.SUPPLIER_ORGANISATIONS === undefined
      ? (known?.organisations ?? [])
      : parsed.SUPPLIER_ORGANISATIONS.split(',')
          .map((c) => c.trim())
          .filter(Boolean);
  return {
    name: parsed.SUPPLIER_NAME,
    kind: kind!,
    organisations,
    host: parsed.SUPPLIER_HOST,
    // The market's port unless SUPPLIER_PORT is given (0: any free port).
    port: env.SUPPLIER_PORT === undefined ? (known?.port ?? 0) : parsed.SUPPLIER_PORT!,
    faults: parsed.SUPPLIER_FAULTS,
    latencyMs: parsed.SUPPLIER_LATENCY_MS,
    seed: parsed.SYNTHETIC_SEED,
    patients: parsed.SYNTHETIC_PATIENTS,
    assertions: verify
      ? { issuer: parsed.GATEWAY_ISSUER, jwksUrl: parsed.GATEWAY_JWKS_URL, jwks: parsed.GATEWAY_JWKS }
      : undefined,
    sdl,
  };
}
