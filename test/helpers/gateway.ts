import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SpanExporter } from '@opentelemetry/sdk-trace-node';
import { systemClock, type Clock } from '../../lib/clock.js';
import { createLogger } from '../../lib/logger.js';
import { startGateway, type RunningGateway } from '../../gateway/app.js';
import { loadConfig } from '../../gateway/config/index.js';
import type { CacheObserver } from '../../gateway/cache/index.js';
import { populationSource } from '../../gateway/patient-index/index.js';
import { generatePopulation } from '../../subgraphs/synthetic/index.js';
import {
  marketFile,
  TEST_ASSERTION_KEY,
  startPrivateRedis,
  startSupplier,
  type PrivateRedis,
  type TestSupplier,
} from '../../lib/testbed/index.js';

/** The synthetic population every test gateway's patient index serves (the suppliers generate the same). */
export const TEST_POPULATION = generatePopulation();

/** 32 bytes as hex: a fixed cache key so a restarted gateway can read what the last one wrote. */
export const TEST_CACHE_KEY = 'a1'.repeat(32);
export const TEST_OPS_TOKEN = 'test-ops-token-0123456789';
let replicas = 0;

/**
 * A gateway in this process (so a test can hand it a clock), talking over real HTTP to real supplier
 * processes. `env` takes the same variables as production (docs/configuration.md).
 */
export async function startTestGateway(
  suppliers: Readonly<Record<string, TestSupplier>> | readonly TestSupplier[],
  env: Record<string, string> = {},
  deps: { clock?: Clock; cacheObserver?: CacheObserver; traceExporter?: SpanExporter } = {},
): Promise<RunningGateway> {
  const config = loadConfig({
    NODE_ENV: 'test',
    GATEWAY_PORT: '0',
    OPS_PORT: '0',
    OPS_TOKEN: TEST_OPS_TOKEN,
    SUPPLIERS_FILE: marketFile(Object.values(suppliers)),
    // Each test gateway is a replica of its own (several may run in one process).
    GATEWAY_REPLICA_ID: `test-${process.pid}-${++replicas}`,
    CACHE_ENCRYPTION_KEY: TEST_CACHE_KEY,
    ASSERTION_SIGNING_KEY: TEST_ASSERTION_KEY,
    CACHE_REFRESH_INTERVAL_MS: '0',
    // Tests check what reaches Redis; production's 50 ms would drop writes on a machine loaded by tests.
    REDIS_TIMEOUT_MS: '500',
    AUDIT_LOG: join(mkdtempSync(join(tmpdir(), 'prag-audit-')), 'audit.log'),
    REGISTRY_STATE_FILE: join(mkdtempSync(join(tmpdir(), 'prag-registry-')), 'last-known-good.json'),
    ...env,
  });
  return startGateway(config, {
    clock: deps.clock ?? systemClock,
    externalClock: systemClock,
    patients: populationSource(TEST_POPULATION),
    // TEST_LOG_LEVEL=error (or debug) shows a test gateway's log when a test needs explaining.
    logger: createLogger('gateway', { level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    ...(deps.cacheObserver ? { cacheObserver: deps.cacheObserver } : {}),
    ...(deps.traceExporter ? { traceExporter: deps.traceExporter } : {}),
  });
}

/** A clock that runs in real time but can be moved forward, for time-based rules across real processes. */
export class ShiftedClock implements Clock {
  offsetMs = 0;
  now = () => Date.now() + this.offsetMs;
  setTimeout = (callback: () => void, ms: number) => systemClock.setTimeout(callback, ms);
  clearTimeout = (handle: unknown) => systemClock.clearTimeout(handle);
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}

export interface GraphQLResult {
  readonly status: number;
  readonly headers: Headers;
  readonly body: {
    data?: Record<string, unknown> | null;
    errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
    extensions?: Record<string, unknown>;
  };
}

export async function graphql(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
): Promise<GraphQLResult> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as GraphQLResult['body'],
  };
}

/** Polls `check` until it returns true (or throws after `timeoutMs`): for states reached by real processes. */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 5_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Whether a gateway's Redis tier is connected. */
export const redisUp = (gateway: RunningGateway): boolean =>
  gateway.cache.health().some((t) => t.tier === 'redis' && t.status === 'up');

export interface TestProcesses {
  readonly gp: TestSupplier;
  readonly hospital: TestSupplier;
  readonly redis: PrivateRedis;
  stop(): Promise<void>;
}

/** The real processes a test file runs against: both suppliers (faults on) and a private Redis. */
export async function startProcesses(): Promise<TestProcesses> {
  const [gp, hospital, redis] = await Promise.all([
    startSupplier('gp'),
    startSupplier('hospital'),
    startPrivateRedis(),
  ]);
  return {
    gp,
    hospital,
    redis,
    stop: async () => void (await Promise.all([gp.stop(), hospital.stop(), redis.stop()])),
  };
}

/** Between tests: the GP process running again, both suppliers fault-free, every breaker afresh. */
export async function backToHealth(processes: TestProcesses, gateway: RunningGateway): Promise<void> {
  if (processes.gp.pid < 0) await processes.gp.restart();
  await Promise.all([processes.gp.faults({ mode: 'none' }), processes.hospital.faults({ mode: 'none' })]);
  for (const s of gateway.suppliers) s.breaker.reset('test set-up');
}
