/**
 * The gateway's settings, read once from the environment at start-up and validated; a bad value stops
 * the process with a message naming the variable and quoting the value. docs/configuration.md lists them.
 */
import { hostname } from 'node:os';
import { z } from 'zod';
import { ConfigError, host, httpUrl, integer, parseSettings, port } from '../../lib/env.js';
import { registerSecret } from '../../lib/redact.js';
import { DOMAIN_NAMES } from '../../schema/index.js';
import { DEFAULT_POPULATION } from '../../subgraphs/synthetic/index.js';
import { pemBlocks, type AssertionSettings, type AuthSettings } from '../auth/index.js';
import type { AuditSinkOptions } from '../audit/index.js';
import type { CacheSettings } from '../cache/index.js';
import { loadMarket, type Market, type MarketSupplier } from '../directory/index.js';
import { BREAKER_VARIABLES, supplierBreaker } from './breakers.js';
import type { TracingSettings } from '../observability/index.js';
import { generateOpsToken, opsCredentials, type OpsSettings } from '../ops/index.js';
import type { SupplierSettings } from '../suppliers/index.js';

export interface GatewayConfig {
  readonly mode: 'development' | 'production' | 'test';
  readonly host: string;
  readonly port: number;
  readonly maxRequestBytes: number;
  readonly maxPatientsPerQuery: number;
  readonly limits: {
    readonly maxDepth: number;
    readonly maxAliases: number;
    readonly maxTokens: number;
    readonly maxCost: number;
  };
  /** The supplier market: domains, organisations, suppliers (SUPPLIERS_FILE, or the reference market). */
  readonly market: Market;
  /** Each supplier of the market, with its connection and breaker settings. */
  readonly suppliers: readonly SupplierSettings[];
  /**
   * Settings for a supplier the registry adds at run time: the same connection settings, and breaker
   * options from BREAKER_* and <NAME>_BREAKER_* (throws a ConfigError quoting a bad value).
   */
  readonly supplierSettings: (supplier: MarketSupplier) => SupplierSettings;
  readonly registry: RegistrySettings;
  readonly cache: CacheSettings;
  readonly population: { readonly seed: number; readonly size: number };
  /** A patient index snapshot to serve (PDS and locator export) instead of the synthetic population. */
  readonly patientIndexFile: string | undefined;
  readonly ops: OpsSettings & {
    /** Set when no token was configured (development only): the token generated for this process. */
    readonly generatedToken?: string;
  };
  /** This replica's name in shared ops decisions and logs. */
  readonly replica: string;
  readonly auth: AuthSettings;
  /** Where audit records are appended (`stdout` or a file path), and the backlog it may fall behind by. */
  readonly audit: AuditSinkOptions;
  /** The signed assertions that tell each supplier who is asking. */
  readonly assertions: AssertionSettings;
  /** OpenTelemetry traces: off unless OTEL_TRACES=on; where spans go and the service they name. */
  readonly tracing: TracingSettings;
  /** Operations seen before run on the prepared path (gateway/execution/); PREPARED_OPERATIONS=off. */
  readonly preparedOperations: boolean;
  /**
   * SIGTERM: /readyz fails at once; new connections are still taken for `graceMs` (the load balancer's
   * time to notice), then refused; requests in flight get up to `timeoutMs` to finish.
   */
  readonly drain: { readonly graceMs: number; readonly timeoutMs: number };
}

type Env = Record<string, string | undefined>;

export interface RegistrySettings {
  /** This replica's last-known-good copy of the registry state, supergraph and market. */
  readonly stateFile: string;
  /** Which publishes wait for an operator's approval: none, suppliers' entries, or all. */
  readonly approval: 'none' | 'suppliers' | 'all';
  /** A breaking change is refused if any operation clients sent within this window uses it. */
  readonly usageWindowMs: number;
  /** The conformance suite's latency budget for a candidate supplier (95th percentile). */
  readonly latencyBudgetMs: number;
  /**
   * Hosts a supplier entry's URL may name (`host`, or `*.domain` for any host under it); empty: any host,
   * except that production then requires https and refuses IP addresses and localhost.
   */
  readonly endpointHosts: readonly string[];
  readonly production: boolean;
}

const schema = z.object({
  NODE_ENV: z
    .enum(['development', 'production', 'test'], { error: 'must be development, production or test' })
    .default('development'),
  GATEWAY_HOST: host('127.0.0.1'),
  GATEWAY_PORT: port(4000),
  GATEWAY_MAX_REQUEST_BYTES: integer(65_536, 1_024, 10_485_760),
  MAX_PATIENTS_PER_QUERY: integer(50, 1, 1_000),
  QUERY_MAX_DEPTH: integer(10, 2, 50),
  QUERY_MAX_ALIASES: integer(30, 0, 1_000),
  QUERY_MAX_TOKENS: integer(2_000, 100, 100_000),
  QUERY_MAX_COST: integer(10_000, 100, 10_000_000),
  SUPPLIERS_FILE: z.string().min(1).optional(),
  SUPPLIER_URLS: z.string().optional(),
  SUPPLIER_CONNECTIONS: integer(64, 1, 4_096),
  SUPPLIER_MAX_RESPONSE_BYTES: integer(10_485_760, 1_024, 268_435_456),
  REDIS_URL: z
    .string()
    .refine(
      (v) => v === '' || v.split(',').every((seed) => /^rediss?:\/\/\S/.test(seed.trim())),
      'must be a redis:// or rediss:// URL (with REDIS_MODE=cluster, a comma-separated list of them)',
    )
    .optional(),
  REDIS_TIMEOUT_MS: integer(50, 1, 10_000),
  REDIS_MODE: z.enum(['single', 'cluster'], { error: 'must be single or cluster' }).default('single'),
  DRAIN_GRACE_MS: integer(5_000, 0, 120_000),
  DRAIN_TIMEOUT_MS: integer(20_000, 100, 600_000),
  CACHE_ENCRYPTION_KEY: z.string().optional(),
  CACHE_MAX_STALENESS_HOURS: integer(72, 1, 24 * 90),
  CACHE_REFRESH_INTERVAL_MS: integer(1_000, 0, 3_600_000),
  CACHE_MEMORY_MAX_MB: integer(32, 1, 4_096),
  CACHE_FRESH_FOR_MS: integer(0, 0, 60_000),
  PATIENT_INDEX_FILE: z.string().min(1).optional(),
  SYNTHETIC_SEED: integer(DEFAULT_POPULATION.seed, 0, 2 ** 32 - 1),
  SYNTHETIC_PATIENTS: integer(DEFAULT_POPULATION.size, 5, 100_000),
  OPS_HOST: host('127.0.0.1'),
  OPS_PORT: port(4090),
  OPS_TOKEN: z.string().optional(),
  OPS_TOKENS: z.string().optional(),
  AUTH_MODE: z.enum(['jwt', 'development'], { error: 'must be jwt or development' }).optional(),
  AUTH_JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  AUTH_JWT_PUBLIC_KEY: z.string().optional(),
  AUTH_JWT_ISSUER: z.string().min(1).optional(),
  AUTH_JWT_AUDIENCE: z.string().min(1).optional(),
  AUDIT_LOG: z.string().min(1, 'must be stdout or a file path').default('stdout'),
  AUDIT_MAX_BACKLOG_MB: integer(16, 1, 1_024),
  ASSERTION_SIGNING_KEY: z.string().optional(),
  ASSERTION_PUBLISHED_KEYS: z.string().optional(),
  ASSERTION_ISSUER: z.string().min(1).max(200).default('patient-record-gateway'),
  ASSERTION_TTL_SECONDS: integer(5, 1, 60),
  REGISTRY_STATE_FILE: z.string().min(1).default('var/registry/last-known-good.json'),
  REGISTRY_APPROVAL: z
    .enum(['none', 'suppliers', 'all'], { error: 'must be none, suppliers or all' })
    .optional(),
  REGISTRY_USAGE_WINDOW_DAYS: integer(30, 1, 365),
  REGISTRY_LATENCY_BUDGET_MS: integer(1_000, 10, 60_000),
  REGISTRY_ENDPOINT_HOSTS: z.string().optional(),
  GATEWAY_REPLICA_ID: z
    .string()
    .regex(/^[\w.-]{1,64}$/, 'must be 1 to 64 letters, digits, dots, dashes or underscores')
    .optional(),
  OTEL_TRACES: z.enum(['off', 'on'], { error: 'must be off or on' }).default('off'),
  PREPARED_OPERATIONS: z.enum(['off', 'on'], { error: 'must be off or on' }).default('on'),
  OTEL_EXPORTER_OTLP_ENDPOINT: httpUrl('http://localhost:4318'),
  OTEL_SERVICE_NAME: z
    .string()
    .regex(/^\S{1,100}$/, 'must be 1 to 100 characters without spaces')
    .default('patient-record-gateway'),
  OTEL_BSP_SCHEDULE_DELAY: integer(5_000, 10, 60_000),
});

/** Clinician authentication: JWT in production (required), a development identity otherwise by default. */
function authSettings(parsed: z.output<typeof schema>): AuthSettings {
  const mode = parsed.AUTH_MODE ?? (parsed.NODE_ENV === 'production' ? 'jwt' : 'development');
  if (mode === 'development') {
    if (parsed.NODE_ENV === 'production') {
      throw new ConfigError([
        'AUTH_MODE: development identities are refused when NODE_ENV=production, got "development"',
      ]);
    }
    return { mode };
  }
  const problems: string[] = [];
  // A PEM key may arrive with its newlines escaped (one-line environment files).
  const key = parsed.AUTH_JWT_PUBLIC_KEY?.replace(/\\n/g, '\n');
  if (!parsed.AUTH_JWT_SECRET === !key) {
    problems.push('AUTH_JWT_SECRET or AUTH_JWT_PUBLIC_KEY: set exactly one to verify clinician tokens');
  }
  if (!parsed.AUTH_JWT_ISSUER) problems.push('AUTH_JWT_ISSUER: required with AUTH_MODE=jwt, got nothing');
  if (!parsed.AUTH_JWT_AUDIENCE) problems.push('AUTH_JWT_AUDIENCE: required with AUTH_MODE=jwt, got nothing');
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    mode,
    issuer: parsed.AUTH_JWT_ISSUER!,
    audience: parsed.AUTH_JWT_AUDIENCE!,
    ...(key ? { publicKeyPem: key } : { secret: parsed.AUTH_JWT_SECRET! }),
  };
}

function opsSettings(parsed: z.output<typeof schema>): GatewayConfig['ops'] {
  let credentials;
  try {
    credentials = opsCredentials(parsed.OPS_TOKENS, parsed.OPS_TOKEN);
  } catch (error) {
    throw new ConfigError([(error as Error).message]);
  }
  const base = { host: parsed.OPS_HOST, port: parsed.OPS_PORT };
  if (credentials.length > 0) return { ...base, credentials };
  if (parsed.NODE_ENV === 'production') {
    throw new ConfigError(['OPS_TOKEN or OPS_TOKENS: required when NODE_ENV=production, got nothing']);
  }
  const generatedToken = generateOpsToken();
  return { ...base, credentials: opsCredentials(undefined, generatedToken), generatedToken };
}

export function loadConfig(env: Env = process.env): GatewayConfig {
  // One parse, so every bad variable is reported at once.
  const parsed = parseSettings(schema, env);
  if (parsed.NODE_ENV === 'production' && !parsed.CACHE_ENCRYPTION_KEY) {
    throw new ConfigError(['CACHE_ENCRYPTION_KEY: required when NODE_ENV=production, got nothing']);
  }
  if (parsed.NODE_ENV === 'production' && !parsed.ASSERTION_SIGNING_KEY) {
    throw new ConfigError(['ASSERTION_SIGNING_KEY: required when NODE_ENV=production, got nothing']);
  }
  registerSecrets(parsed);
  const supplierSettings = (supplier: MarketSupplier): SupplierSettings => ({
    name: supplier.name,
    domain: supplier.domain,
    url: supplier.url,
    breaker: supplierBreaker(supplier, env),
    connections: parsed.SUPPLIER_CONNECTIONS,
    maxResponseBytes: parsed.SUPPLIER_MAX_RESPONSE_BYTES,
    freshForMs: parsed.CACHE_FRESH_FOR_MS,
  });
  const market = loadMarket({
    file: parsed.SUPPLIERS_FILE,
    urls: parsed.SUPPLIER_URLS,
    production: parsed.NODE_ENV === 'production',
  });
  // Every record domain of the supergraph needs suppliers, and the market may name no other.
  const declared = market.domains.map((d) => d.name);
  const domainProblems = [
    ...DOMAIN_NAMES.filter((d) => !declared.includes(d)).map(
      (d) => `domain "${d}" of the supergraph is not in the market`,
    ),
    ...declared
      .filter((d) => !DOMAIN_NAMES.includes(d))
      .map((d) => `domain "${d}" is not a subgraph of the supergraph (${DOMAIN_NAMES.join(', ')})`),
  ];
  if (parsed.REDIS_MODE === 'single' && (parsed.REDIS_URL ?? '').includes(','))
    throw new ConfigError([
      `REDIS_URL: lists ${parsed.REDIS_URL!.split(',').length} nodes, which needs REDIS_MODE=cluster (REDIS_MODE is single)`,
    ]);
  if (domainProblems.length > 0)
    throw new ConfigError(domainProblems.map((p) => `SUPPLIERS_FILE: UNKNOWN_DOMAIN: ${p}`));
  return {
    mode: parsed.NODE_ENV,
    drain: { graceMs: parsed.DRAIN_GRACE_MS, timeoutMs: parsed.DRAIN_TIMEOUT_MS },
    host: parsed.GATEWAY_HOST,
    port: parsed.GATEWAY_PORT,
    maxRequestBytes: parsed.GATEWAY_MAX_REQUEST_BYTES,
    maxPatientsPerQuery: parsed.MAX_PATIENTS_PER_QUERY,
    limits: {
      maxDepth: parsed.QUERY_MAX_DEPTH,
      maxAliases: parsed.QUERY_MAX_ALIASES,
      maxTokens: parsed.QUERY_MAX_TOKENS,
      maxCost: parsed.QUERY_MAX_COST,
    },
    market,
    suppliers: market.suppliers.map(supplierSettings),
    supplierSettings,
    registry: {
      stateFile: parsed.REGISTRY_STATE_FILE,
      approval: parsed.REGISTRY_APPROVAL ?? (parsed.NODE_ENV === 'production' ? 'all' : 'none'),
      usageWindowMs: parsed.REGISTRY_USAGE_WINDOW_DAYS * 86_400_000,
      latencyBudgetMs: parsed.REGISTRY_LATENCY_BUDGET_MS,
      endpointHosts: (parsed.REGISTRY_ENDPOINT_HOSTS ?? '')
        .split(',')
        .map((h) => h.trim().toLowerCase())
        .filter(Boolean),
      production: parsed.NODE_ENV === 'production',
    },
    cache: {
      redisUrl: parsed.REDIS_URL || undefined,
      redisMode: parsed.REDIS_MODE,
      encryptionKey: parsed.CACHE_ENCRYPTION_KEY || undefined,
      maxStalenessMs: parsed.CACHE_MAX_STALENESS_HOURS * 3_600_000,
      refreshIntervalMs: parsed.CACHE_REFRESH_INTERVAL_MS,
      memoryMaxBytes: parsed.CACHE_MEMORY_MAX_MB * 1_048_576,
      redisTimeoutMs: parsed.REDIS_TIMEOUT_MS,
    },
    population: { seed: parsed.SYNTHETIC_SEED, size: parsed.SYNTHETIC_PATIENTS },
    patientIndexFile: parsed.PATIENT_INDEX_FILE,
    ops: opsSettings(parsed),
    replica: parsed.GATEWAY_REPLICA_ID ?? `${hostname()}-${process.pid}`,
    auth: authSettings(parsed),
    audit: { destination: parsed.AUDIT_LOG, maxBacklogBytes: parsed.AUDIT_MAX_BACKLOG_MB * 1_048_576 },
    assertions: {
      signingKeyPem: parsed.ASSERTION_SIGNING_KEY || undefined,
      publishedKeysPem: pemBlocks(parsed.ASSERTION_PUBLISHED_KEYS),
      issuer: parsed.ASSERTION_ISSUER,
      ttlSeconds: parsed.ASSERTION_TTL_SECONDS,
    },
    tracing: {
      enabled: parsed.OTEL_TRACES === 'on',
      endpoint: parsed.OTEL_EXPORTER_OTLP_ENDPOINT,
      serviceName: parsed.OTEL_SERVICE_NAME,
      scheduledDelayMs: parsed.OTEL_BSP_SCHEDULE_DELAY,
    },
    preparedOperations: parsed.PREPARED_OPERATIONS === 'on',
  };
}

/** Every configured secret is removed from log lines from now on (lib/redact.ts). */
function registerSecrets(parsed: z.output<typeof schema>): void {
  const tokens = (parsed.OPS_TOKENS ?? '').split(',').map((entry) => entry.slice(entry.indexOf('=') + 1));
  const secrets = [
    parsed.OPS_TOKEN,
    parsed.AUTH_JWT_SECRET,
    parsed.CACHE_ENCRYPTION_KEY,
    parsed.ASSERTION_SIGNING_KEY,
  ];
  for (const secret of [...secrets, ...tokens]) registerSecret(secret?.trim());
}

/** Every environment variable the gateway reads (docs/configuration.md must list each one). */
export function configVariables(): string[] {
  return [
    ...Object.keys(schema.shape),
    ...Object.keys(BREAKER_VARIABLES).map((suffix) => `BREAKER_${suffix}`),
    'LOG_LEVEL',
  ];
}

export { ConfigError };
