/**
 * `npm run bench:call`: what one supplier call costs the gateway's CPU, layer by layer, against a real
 * supplier process: undici alone (the HTTP floor any JavaScript gateway pays), the gateway's transport
 * (headers, abort signal, a size-checked body), signing the per-call assertion, and the whole call
 * (breaker and timeout, assertion, span, answer checked patient by patient, copy remembered). Each layer
 * runs `--calls` calls at `--concurrency` in flight, `--rounds` times interleaved; the median is printed.
 * CPU is this process's (every thread), so the supplier's own work is not in it.
 */
import { parseArgs } from 'node:util';
import { Pool } from 'undici';
import { systemClock } from '../lib/clock.js';
import { startSupplier, TEST_ASSERTION_KEY } from '../lib/testbed/index.js';
import { AssertionSigner, type ClinicianIdentity } from '../gateway/auth/index.js';
import { createCache } from '../gateway/cache/index.js';
import type { GatewayContext } from '../gateway/context.js';
import { createSupplier, HttpTransport, IdentitySelection } from '../gateway/suppliers/index.js';
import { createLogger } from '../lib/logger.js';
import { BENCH_SUPPLIER_ENV } from './lib/environment.js';
import { whole } from './lib/options.js';
import { benchPatients } from './lib/patients.js';

const { values } = parseArgs({
  options: {
    calls: { type: 'string' },
    concurrency: { type: 'string' },
    rounds: { type: 'string' },
  },
});
const calls = whole(values.calls, 20_000, 100, 1_000_000, 'calls');
const concurrency = whole(values.concurrency, 25, 1, 1_000, 'concurrency');
const rounds = whole(values.rounds, 3, 1, 20, 'rounds');

const QUERY =
  'query Record($representations: [_Any!]!) { _entities(representations: $representations) { ... on Patient { nhsNumber medications { id medication { code display } status startDate } } } }';
const IDENTITY: ClinicianIdentity = {
  userId: 'bench-clinician',
  role: 'R8000',
  org: 'RR8',
  source: 'development',
};
const patientOf = (i: number) => benchPatients[i % benchPatients.length]!;

const supplierProcess = await startSupplier('gp', BENCH_SUPPLIER_ENV);
const logger = createLogger('bench-call', { level: 'silent' });
const cache = createCache(
  {
    redisUrl: undefined,
    redisMode: 'single',
    encryptionKey: 'c3'.repeat(32),
    maxStalenessMs: 86_400_000,
    refreshIntervalMs: 1_000,
    memoryMaxBytes: 64 << 20,
    redisTimeoutMs: 500,
  },
  { clock: systemClock, logger, quarantinedSince: () => undefined, purgedBefore: () => undefined },
);
const signer = await AssertionSigner.create(
  { signingKeyPem: TEST_ASSERTION_KEY, publishedKeysPem: [], issuer: 'bench', ttlSeconds: 5 },
  systemClock,
);
const supplier = createSupplier(
  {
    name: 'gp',
    domain: 'gp',
    url: supplierProcess.url,
    breaker: {},
    connections: concurrency,
    maxResponseBytes: 4 << 20,
  },
  { clock: systemClock, cache: cache.entities, assertions: signer },
);
const operation = new IdentitySelection().operationFor(QUERY);
const bodyFor = (i: number) =>
  `${operation.bodyPrefix}${JSON.stringify({ representations: [{ __typename: 'Patient', nhsNumber: patientOf(i) }] })}}`;
const url = new URL(supplierProcess.url);
const pool = new Pool(url.origin, { connections: concurrency, pipelining: 1 });
const transport = new HttpTransport(supplierProcess.url, {
  connections: concurrency,
  maxResponseBytes: 4 << 20,
});
const contextFor = (i: number): GatewayContext => ({
  requestId: `bench-${i}`,
  identity: IDENTITY,
  lookups: [],
  availability: undefined as never,
  patients: new Map([[patientOf(i), { confidentiality: 'UNRESTRICTED', locations: {} }]]),
});

const layers: Record<string, (i: number) => Promise<unknown>> = {
  'undici request (HTTP floor)': async (i) => {
    const response = await pool.request({
      method: 'POST',
      path: url.pathname,
      headers: { 'content-type': 'application/json' },
      body: bodyFor(i),
    });
    return response.body.text();
  },
  'gateway transport': (i) =>
    transport.post(bodyFor(i), { 'x-request-id': `bench-${i}` }, new AbortController().signal),
  'assertion signing': async (i) => signer.sign(IDENTITY, `bench-${i}`, 'gp'),
  'whole supplier call': (i) =>
    supplier.client.fetch({
      context: contextFor(i),
      operation,
      operationName: 'Record',
      variables: {},
      selection: 'bench',
      nhsNumbers: [patientOf(i)],
    }),
};

/** CPU microseconds per call of one layer, `calls` calls with `concurrency` in flight. */
async function cpuPerCall(call: (i: number) => Promise<unknown>): Promise<{ us: number; perS: number }> {
  let next = 0;
  const started = performance.now();
  const before = process.cpuUsage();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < calls) await call(next++);
    }),
  );
  const used = process.cpuUsage(before);
  return { us: (used.user + used.system) / calls, perS: (calls / (performance.now() - started)) * 1_000 };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
try {
  const results = new Map<string, { us: number; perS: number }[]>();
  for (const call of Object.values(layers)) for (let i = 0; i < 2_000; i++) await call(i); // warm-up
  for (let round = 1; round <= rounds; round++) {
    for (const [name, call] of Object.entries(layers)) {
      const r = await cpuPerCall(call);
      results.set(name, [...(results.get(name) ?? []), r]);
      console.log(`round ${round}: ${name.padEnd(28)} ${r.us.toFixed(1).padStart(7)} µs CPU per call`);
    }
  }
  console.log(`\nmedian of ${rounds} rounds, ${calls} calls each, ${concurrency} in flight:`);
  console.log('| layer | CPU µs per call | calls/s |\n| --- | ---: | ---: |');
  for (const [name, rs] of results)
    console.log(
      `| ${name} | ${median(rs.map((r) => r.us)).toFixed(0)} | ${median(rs.map((r) => r.perS)).toFixed(0)} |`,
    );
} finally {
  await pool.close();
  await transport.close();
  await supplier.close();
  await cache.close();
  await supplierProcess.stop();
}
