import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execSync } from 'node:child_process';
import { launch, type Launched } from '../../lib/launch.js';
import { marketFile, TEST_ASSERTION_KEY } from '../../lib/testbed/index.js';
import { REFERENCE_MARKET } from '../../subgraphs/synthetic/index.js';
import { BENCH_AUTH_ENV } from './auth.js';
import { population } from './patients.js';
import type { BenchEnvironment } from './environment.js';
import { PROBE_FLAGS, probeCost, type ProcessCost } from './cost.js';

/** How a response is judged: a run aborts on `wrong`; `incomplete` is counted. */
export interface Verdict {
  readonly kind: 'complete' | 'incomplete' | 'wrong';
  /** This gateway's reported GP breaker state, when the answer carries it. */
  readonly breaker?: string;
  readonly detail?: string;
  /** The group of patients the answer counts for (the market scenario: the killed system's or the rest). */
  readonly group?: string;
}

export interface RunningTarget {
  readonly url: string;
  /** The process whose memory is sampled. */
  readonly pid: number;
  /** What the process has spent so far (CPU; JS heap allocation where the probe is preloaded). */
  readonly cost: () => Promise<ProcessCost>;
  stop(): Promise<void>;
}

const running = (launched: Launched): RunningTarget => ({
  url: launched.ready.url,
  pid: launched.pid,
  cost: () => probeCost(launched.pid, launched.child),
  stop: () => launched.stop(),
});

/** What the command line says about how targets run. */
export interface TargetSettings {
  /** Node flags the `gateway-flags` target adds to the production ones (`--gateway-node-flags`). */
  readonly gatewayNodeFlags: readonly string[];
}

export interface Target {
  readonly name: string;
  readonly label: string;
  /** Scenarios that make sense for it (the subgraph floor cannot survive its own supplier being killed). */
  readonly scenarios?: readonly string[];
  start(env: BenchEnvironment, settings: TargetSettings): Promise<RunningTarget>;
  readonly body: (nhsNumber: string) => string;
  readonly verify: (body: string, nhsNumber: string) => Verdict;
}

const GATEWAY_QUERY =
  'query Record($n: String!) { patient(nhsNumber: $n) { nhsNumber medications { id medication { code display } status startDate } encounters { id class admittedAt reason { display } } } }';
const FLOOR_QUERY =
  'query Floor($r: [_Any!]!) { _entities(representations: $r) { ... on Patient { nhsNumber medications { id medication { code display } status startDate } } } }';

const BENCH_ENV = { NODE_ENV: 'production', LOG_LEVEL: 'warn', PORT: '0' };
/** The gateway's production Node flags: a heap cap that keeps V8 from growing the heap far past live data. */
export const GATEWAY_NODE_FLAGS = ['--max-old-space-size=160'];
const CACHE_KEY = 'c3'.repeat(32);

interface PatientAnswer {
  nhsNumber?: string;
  medications?: unknown[] | null;
  encounters?: unknown[] | null;
}

/** Checks a gateway answer against the synthetic truth: present sections must be exactly right. */
function verifyRecord(raw: string, n: string): Verdict {
  let body: {
    data?: { patient?: PatientAnswer | null };
    extensions?: { availability?: Record<string, { status: string; breaker: string }> };
  };
  try {
    body = JSON.parse(raw) as typeof body;
  } catch {
    return { kind: 'wrong', detail: 'body is not JSON' };
  }
  const truth = population.byNhsNumber.get(n)!;
  const patient = body.data?.patient;
  const availability = body.extensions?.availability;
  const breaker = availability?.gp?.breaker;
  const withBreaker = (v: Verdict): Verdict => (breaker ? { ...v, breaker } : v);
  if (!patient) return withBreaker({ kind: 'incomplete', detail: 'no patient' });
  if (patient.nhsNumber !== n) return { kind: 'wrong', detail: `asked ${n}, got ${patient.nhsNumber}` };
  if (patient.medications && patient.medications.length !== truth.gp!.medications.length) {
    return {
      kind: 'wrong',
      detail: `medications for ${n}: ${patient.medications.length}, expected ${truth.gp!.medications.length}`,
    };
  }
  if (
    patient.encounters &&
    patient.encounters.length !== truth.hospital.flatMap((r) => r.encounters).length
  ) {
    return { kind: 'wrong', detail: `encounters for ${n}: ${patient.encounters.length}` };
  }
  const complete = Array.isArray(patient.medications) && Array.isArray(patient.encounters);
  if (availability && complete && Object.values(availability).some((a) => a.status === 'UNAVAILABLE')) {
    return { kind: 'wrong', detail: 'sections present but labelled UNAVAILABLE' };
  }
  return withBreaker({ kind: complete ? 'complete' : 'incomplete' });
}

const record = {
  body: (n: string) => JSON.stringify({ query: GATEWAY_QUERY, variables: { n } }),
  verify: verifyRecord,
};

/** The practices of the GP system the market scenario kills. */
const KILLED_PRACTICES = new Set(REFERENCE_MARKET.find((s) => s.name === 'gp-aurora')!.organisations);

/** This gateway's production settings, in front of the suppliers a market file names. */
const gatewayEnv = (suppliersFile: string, env: BenchEnvironment) => ({
  ...BENCH_ENV,
  GATEWAY_PORT: '0',
  OPS_PORT: '0',
  SUPPLIERS_FILE: suppliersFile,
  REDIS_URL: env.redis.url,
  CACHE_ENCRYPTION_KEY: CACHE_KEY,
  OPS_TOKEN: 'benchmark-ops-token-0123456789',
  // Signed as in production; the suppliers do not verify (the peers cannot sign), see environment.ts.
  ASSERTION_SIGNING_KEY: TEST_ASSERTION_KEY,
  AUDIT_LOG: join(tmpdir(), `prag-bench-audit-${process.pid}.log`),
  REGISTRY_STATE_FILE: join(tmpdir(), `prag-bench-registry-${process.pid}.json`),
  ...BENCH_AUTH_ENV,
});

const PEERS_DIR = 'load-tests/peers';
function ensurePeersInstalled(): void {
  if (existsSync(`${PEERS_DIR}/node_modules/.package-lock.json`)) return;
  console.log('installing the peer gateways (load-tests/peers, once)...');
  execSync('npm ci --no-audit --no-fund', { cwd: PEERS_DIR, stdio: 'inherit' });
}

/**
 * This gateway in front of the given suppliers, as deployed: built JavaScript with the production heap
 * cap (docs/performance.md) and settings, plus `extra` settings. The scaling run builds its own markets.
 */
export const startGatewayFor = async (
  suppliers: Parameters<typeof marketFile>[0],
  env: BenchEnvironment,
  extra: Record<string, string> = {},
  nodeFlags: readonly string[] = [],
): Promise<RunningTarget> =>
  running(
    await launch({
      entry: 'dist/gateway/main.js',
      tsx: false,
      execArgv: [...GATEWAY_NODE_FLAGS, ...nodeFlags, ...PROBE_FLAGS],
      output: 'inherit',
      env: { ...gatewayEnv(marketFile(suppliers), env), ...extra },
    }),
  );

export const TARGETS: Readonly<Record<string, Target>> = {
  gateway: {
    name: 'gateway',
    label: 'this gateway (breakers + cache + Redis)',
    ...record,
    start: (env) => startGatewayFor([env.gp, env.hospital], env),
  },
  // Not run unless named: the same gateway with the Node flags of --gateway-node-flags added, so a runtime
  // setting (a heap size, a GC flag) is measured against `gateway` in the same rotation, run by run.
  'gateway-flags': {
    name: 'gateway-flags',
    label: 'this gateway with extra Node flags (--gateway-node-flags)',
    ...record,
    start: (env, settings) => startGatewayFor([env.gp, env.hospital], env, {}, settings.gatewayNodeFlags),
  },
  'gateway-apollo': {
    name: 'gateway-apollo',
    label: 'this gateway, every request through Apollo Server (PREPARED_OPERATIONS=off)',
    scenarios: ['healthy', 'healthy-c100'],
    ...record,
    start: (env) => startGatewayFor([env.gp, env.hospital], env, { PREPARED_OPERATIONS: 'off' }),
  },
  market: {
    name: 'market',
    label: 'this gateway over the reference market (3 GP systems, 3 trusts, summary record)',
    scenarios: ['healthy', 'gp-system-killed'],
    body: record.body,
    // Which GP system a patient belongs to decides the group their answer counts in.
    verify: (raw, n) => ({
      ...verifyRecord(raw, n),
      group: KILLED_PRACTICES.has(population.byNhsNumber.get(n)!.demographics.registeredPracticeOds)
        ? 'gp-aurora'
        : 'rest',
    }),
    start: async (env) => startGatewayFor([...(await env.market()).values()], env),
  },
  apollo: {
    name: 'apollo',
    label: '@apollo/gateway 2.14 (plain)',
    ...record,
    start: async (env) =>
      running(
        await launch({
          entry: 'dist/load-tests/targets/apollo-plain.js',
          tsx: false,
          execArgv: PROBE_FLAGS,
          output: 'inherit',
          // Without this, @apollo/gateway probes cloud metadata endpoints at start-up and schedules an
          // hourly metrics export to Apollo: the benchmark talks to 127.0.0.1 only, as this gateway does.
          env: { ...BENCH_ENV, SUPERGRAPH_FILE: env.supergraphFile, APOLLO_TELEMETRY_DISABLED: '1' },
        }),
      ),
  },
  hive: {
    name: 'hive',
    label: 'Hive Gateway 2.15',
    ...record,
    start: async (env) => {
      ensurePeersInstalled();
      const settings = { ...BENCH_ENV, SUPERGRAPH_FILE: env.supergraphFile };
      return running(
        await launch({
          entry: `${PEERS_DIR}/hive.mjs`,
          tsx: false,
          execArgv: PROBE_FLAGS,
          output: 'inherit',
          env: settings,
        }),
      );
    },
  },
  mercurius: {
    name: 'mercurius',
    label: 'Mercurius gateway 5.2',
    ...record,
    start: async (env) => {
      ensurePeersInstalled();
      const services = JSON.stringify(Object.entries(env.urls).map(([name, url]) => ({ name, url })));
      return running(
        await launch({
          entry: `${PEERS_DIR}/mercurius.mjs`,
          tsx: false,
          execArgv: PROBE_FLAGS,
          output: 'inherit',
          env: { ...BENCH_ENV, SERVICES: services },
        }),
      );
    },
  },
  subgraph: {
    name: 'subgraph',
    label: 'GP subgraph alone (floor)',
    scenarios: ['healthy', 'healthy-c100'],
    // The floor is the GP supplier process itself, queried the way a gateway queries it.
    // The pid is read at each measurement: the GP process is a new one after the killed scenario.
    start: (env) =>
      Promise.resolve({
        url: env.gp.url,
        get pid() {
          return env.gp.pid;
        },
        // A supplier process has no allocation probe: its CPU comes from /proc.
        cost: () => probeCost(env.gp.pid),
        stop: () => Promise.resolve(),
      }),
    body: (n) =>
      JSON.stringify({ query: FLOOR_QUERY, variables: { r: [{ __typename: 'Patient', nhsNumber: n }] } }),
    verify: (raw, n) => {
      const entity = (JSON.parse(raw) as { data?: { _entities?: PatientAnswer[] } }).data?._entities?.[0];
      if (!entity) return { kind: 'incomplete' };
      if (entity.nhsNumber !== n) return { kind: 'wrong', detail: `asked ${n}, got ${entity.nhsNumber}` };
      return { kind: Array.isArray(entity.medications) ? 'complete' : 'incomplete' };
    },
  },
};
