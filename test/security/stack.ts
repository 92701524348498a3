import { createSecretKey } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { launch, type Launched } from '../../lib/launch.js';
import { registerSecret } from '../../lib/redact.js';
import {
  marketFile,
  startPrivateRedis,
  startSupplier,
  TEST_ASSERTION_KEY,
  testJwks,
  type PrivateRedis,
  type TestSupplier,
} from '../../lib/testbed/index.js';
import { TEST_CACHE_KEY, TEST_OPS_TOKEN } from '../helpers/gateway.js';

export const JWT_SECRET = 'security-suite-jwt-secret-0123456789abcdef';
export const ISSUER = 'https://identity.security.test';
export const AUDIENCE = 'patient-record-gateway';

/** One running gateway process: its clinical URL and its ops origin. */
export interface Target {
  readonly url: string;
  readonly origin: string;
  readonly ops: string;
}

/**
 * The stack the hostile inputs are sent to, all real processes on 127.0.0.1: a production-like gateway
 * (NODE_ENV=production, JWT verification, Redis) and a development one, two suppliers with fault injection
 * (the "compromised supplier" cases need it) verifying the gateway's assertions, a supplier in production
 * mode, and a private Redis. Every line any of them writes is kept, so the suite can prove nothing leaked.
 */
export interface SecurityStack {
  readonly production: Target;
  readonly development: Target;
  readonly gp: TestSupplier;
  readonly hospital: TestSupplier;
  /** A supplier started with NODE_ENV=production: no fault injection, no stats. */
  readonly productionSupplier: string;
  readonly redis: PrivateRedis;
  /** Everything every process has written so far. */
  logs(): string;
  stop(): Promise<void>;
}

export const tokenFor = (
  claims: Record<string, unknown> = { role: 'R8000', org: 'A81001' },
  options: {
    sub?: string;
    secret?: string;
    issuer?: string;
    audience?: string;
    expires?: string | number;
  } = {},
) =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(options.sub ?? 'dr-security')
    .setIssuer(options.issuer ?? ISSUER)
    .setAudience(options.audience ?? AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(options.expires ?? '10m')
    .sign(createSecretKey(Buffer.from(options.secret ?? JWT_SECRET)));

function captured(launched: Launched, into: string[]): void {
  for (const stream of [launched.child.stdout, launched.child.stderr]) {
    stream?.on('data', (chunk: Buffer) => into.push(chunk.toString()));
  }
}

export async function startSecurityStack(): Promise<SecurityStack> {
  // The test process scans for these as well as for NHS numbers, keys and tokens.
  for (const secret of [JWT_SECRET, TEST_OPS_TOKEN, TEST_CACHE_KEY, TEST_ASSERTION_KEY])
    registerSecret(secret);
  const debug = { LOG_LEVEL: 'debug' };
  const [gp, hospital, redis] = await Promise.all([
    startSupplier('gp', debug, { captureOutput: true }),
    startSupplier('hospital', debug, { captureOutput: true }),
    startPrivateRedis(),
  ]);
  const output: string[] = [];
  const audit = mkdtempSync(join(tmpdir(), 'prag-security-'));
  const common = {
    ...debug,
    GATEWAY_PORT: '0',
    OPS_PORT: '0',
    SUPPLIERS_FILE: marketFile([gp, hospital]),
    OPS_TOKEN: TEST_OPS_TOKEN,
    CACHE_ENCRYPTION_KEY: TEST_CACHE_KEY,
    ASSERTION_SIGNING_KEY: TEST_ASSERTION_KEY,
    CACHE_REFRESH_INTERVAL_MS: '0',
    // A failing supplier must not be probed behind the suite's back: probes off, breakers reset by hand.
    BREAKER_IDLE_PROBE_MS: '0',
  };
  const start = async (mode: 'production' | 'development') => {
    const launched = await launch({
      entry: 'gateway/main.ts',
      output: 'pipe',
      env: {
        ...common,
        NODE_ENV: mode,
        AUDIT_LOG: join(audit, `${mode}.log`),
        REGISTRY_STATE_FILE: join(audit, `${mode}-registry.json`),
        ...(mode === 'production'
          ? {
              AUTH_MODE: 'jwt',
              AUTH_JWT_SECRET: JWT_SECRET,
              AUTH_JWT_ISSUER: ISSUER,
              AUTH_JWT_AUDIENCE: AUDIENCE,
              REDIS_URL: redis.url,
            }
          : { AUTH_MODE: 'development' }),
      },
    });
    captured(launched, output);
    const url = launched.ready.url;
    return { launched, target: { url, origin: new URL(url).origin, ops: launched.ready.urls!.ops! } };
  };
  const [production, development] = await Promise.all([start('production'), start('development')]);
  const productionSupplier = await launch({
    entry: 'subgraphs/main.ts',
    output: 'pipe',
    env: {
      ...debug,
      NODE_ENV: 'production',
      SUPPLIER_NAME: 'gp-aurora',
      SUPPLIER_PORT: '0',
      GATEWAY_JWKS: await testJwks(),
    },
  });
  captured(productionSupplier, output);
  return {
    production: production.target,
    development: development.target,
    gp,
    hospital,
    productionSupplier: productionSupplier.ready.url,
    redis,
    logs: () => [output.join(''), gp.output(), hospital.output()].join(''),
    stop: async () => {
      await Promise.all([
        production.launched.stop(),
        development.launched.stop(),
        productionSupplier.stop(),
        gp.stop(),
        hospital.stop(),
        redis.stop(),
      ]);
    },
  };
}
