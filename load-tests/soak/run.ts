/**
 * `npm run soak -- --minutes 10`: steady clinical load through several replicas of the built gateway
 * (production mode, Redis, the reference market of seven supplier processes) while a schedule of compound
 * faults runs (faults.ts). Every answer is checked against the synthetic truth (verify.ts); every 10 s each
 * replica's memory, heap, sockets, active resources and event-loop lag are read from its /metrics. At the end the
 * audit trail is counted against the patients looked up. Writes soak.json, soak.md and soak.svg to
 * load-tests/results/<time>/ and exits 1 on any wrong or unlabelled answer or lost audit line.
 */
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Launched } from '../../lib/launch.js';
import { marketFile, startPrivateRedis, startSupplier, type TestSupplier } from '../../lib/testbed/index.js';
import { REFERENCE_MARKET } from '../../subgraphs/synthetic/index.js';
import { BENCH_TOKEN } from '../lib/auth.js';
import { benchPatients } from '../lib/patients.js';
import { auditLogOf, launchReplica } from '../lib/replicas.js';
import { CYCLE_S, FAULT_SCHEDULE, type FaultTargets } from './faults.js';
import { writeReport, type Bucket, type ReplicaSample } from './report.js';
import { SOAK_QUERY, verify, type Outcome } from './verify.js';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    replicas: { type: 'string', default: '2' },
    workers: { type: 'string', default: '8' },
    /** The fault cycle's length: shorter runs every fault sooner (a quick check of the soak itself). */
    cycle: { type: 'string', default: String(CYCLE_S) },
  },
});
const minutes = Number(values.minutes);
const replicaCount = Number(values.replicas);
const workerCount = Number(values.workers);
const cycleS = Number(values.cycle);
if (
  !(minutes > 0 && minutes <= 24 * 60) ||
  !(replicaCount >= 1 && replicaCount <= 4) ||
  !(workerCount >= 1)
) {
  console.error(
    `--minutes 0-1440, --replicas 1-4, --workers >= 1, --cycle >= 30; got ${JSON.stringify(values)}`,
  );
  process.exit(2);
}
const OPS_TOKEN = 'soak-ops-token-0123456789abcdef';
const SAMPLE_EVERY_MS = 10_000;
const log = (line: string) => console.log(`[soak ${new Date().toISOString().slice(11, 19)}] ${line}`);
const scratch = mkdtempSync(join(tmpdir(), 'prag-soak-'));

const redis = await startPrivateRedis();
const suppliers = new Map<string, TestSupplier>(
  (await Promise.all(REFERENCE_MARKET.map((s) => startSupplier(s.name, { LOG_LEVEL: 'warn' })))).map((s) => [
    s.name,
    s,
  ]),
);
const suppliersFile = marketFile([...suppliers.values()]);

interface Replica {
  readonly index: number;
  process: Launched;
  /** Which start of this replica (a restart begins a new series of samples). */
  generation: number;
  inFlight: number;
  answered: number;
  readonly auditLog: string;
}
const replicaId = (index: number) => `soak-${index + 1}`;
const startReplica = (index: number) =>
  launchReplica({
    id: replicaId(index),
    suppliersFile,
    redisUrl: redis.url,
    opsToken: OPS_TOKEN,
    dir: scratch,
    logLevel: 'error',
  });
const replicas: Replica[] = [];
for (let i = 0; i < replicaCount; i++) {
  const auditLog = auditLogOf(scratch, replicaId(i));
  replicas.push({
    index: i,
    process: await startReplica(i),
    generation: 1,
    inFlight: 0,
    answered: 0,
    auditLog,
  });
}
const live = new Set(replicas);

const started = Date.now();
const endAt = started + minutes * 60_000;
const buckets: Bucket[] = [];
const newBucket = (): Bucket => ({
  at: Math.round((Date.now() - started) / 1000),
  outcomes: { live: 0, labelled: 0, wrong: 0, unlabelled: 0, failed: 0 },
  latencies: [],
  details: [],
  faults: [],
});
let bucket = newBucket();
const samples: ReplicaSample[] = [];

let next = 0;
async function worker(): Promise<void> {
  while (Date.now() < endAt) {
    const targets = [...live];
    if (targets.length === 0) {
      await new Promise((r) => setTimeout(r, 50));
      continue;
    }
    const replica = targets[next % targets.length]!;
    const n = benchPatients[next++ % benchPatients.length]!;
    replica.inFlight++;
    const t0 = performance.now();
    let outcome: Outcome;
    let detail: string | undefined;
    try {
      const response = await fetch(replica.process.ready.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${BENCH_TOKEN}` },
        body: JSON.stringify({ query: SOAK_QUERY, variables: { n } }),
        signal: AbortSignal.timeout(15_000),
      });
      const text = await response.text();
      ({ outcome, detail } = verify(response.status, text, n));
      if (response.status === 200) replica.answered++;
    } catch (error) {
      outcome = 'failed';
      detail = (error as Error).name;
    } finally {
      replica.inFlight--;
    }
    bucket.outcomes[outcome]++;
    bucket.latencies.push(performance.now() - t0);
    if (detail && outcome !== 'labelled' && bucket.details.length < 5)
      bucket.details.push(`${outcome}: ${detail}`);
  }
}

const metricOf = (text: string, name: string, labels = ''): number => {
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels} `));
  return line ? Number(line.split(' ')[1]) : 0;
};
async function sample(): Promise<void> {
  const at = Math.round((Date.now() - started) / 1000);
  for (const r of live) {
    try {
      const text = await (await fetch(`${r.process.ready.urls!.ops!}/metrics`)).text();
      samples.push({
        at,
        replica: r.index + 1,
        generation: r.generation,
        rssMb: metricOf(text, 'process_resident_memory_bytes') / 1e6,
        heapMb: metricOf(text, 'nodejs_heap_size_used_bytes') / 1e6,
        sockets: metricOf(text, 'nodejs_active_handles', '{type="Socket"}'),
        resources: metricOf(text, 'nodejs_active_resources_total'),
        lagP99Ms: metricOf(text, 'nodejs_eventloop_lag_p99_seconds') * 1000,
      });
    } catch {
      // a replica restarting between the check and the read
    }
  }
  buckets.push(bucket);
  bucket = newBucket();
}

const ops = async (path: string, body: Record<string, unknown>) => {
  const r = replicas[0]!;
  const response = await fetch(`${r.process.ready.urls!.ops!}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${OPS_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status} ${await response.text()}`);
};
const targets: FaultTargets = {
  supplierFaults: (name, settings) => suppliers.get(name)!.faults(settings),
  killSupplier: (name) => suppliers.get(name)!.kill(),
  restartSupplier: (name) => suppliers.get(name)!.restart(),
  restartRedis: async () => {
    await redis.kill();
    await redis.restart();
  },
  restartReplica: async (index) => {
    const r = replicas[index];
    if (!r) return;
    // As a load balancer would: take it out of rotation, let its requests finish, restart, put it back.
    live.delete(r);
    while (r.inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 20));
    await r.process.stop();
    r.process = await startReplica(index);
    r.generation++;
    live.add(r);
  },
  ops,
  somePatient: () => benchPatients[Math.floor(Math.random() * benchPatients.length)]!,
};

async function faultSchedule(): Promise<void> {
  for (let cycle = 0; ; cycle++) {
    for (const step of FAULT_SCHEDULE) {
      const due = started + (cycle * cycleS + (step.at * cycleS) / CYCLE_S) * 1000;
      if (due >= endAt - 5_000) return;
      while (Date.now() < due) await new Promise((r) => setTimeout(r, 100));
      log(step.does);
      bucket.faults.push(step.does);
      await step.run(targets).catch((error: Error) => log(`  ${step.does} failed: ${error.message}`));
    }
  }
}

log(`${minutes} min, ${replicaCount} replicas, ${workerCount} workers, 7 suppliers, fault cycle ${cycleS} s`);
const sampler = setInterval(() => void sample(), SAMPLE_EVERY_MS);
let exitCode = 1;
try {
  await Promise.all([...Array.from({ length: workerCount }, worker), faultSchedule()]);
  clearInterval(sampler);
  await sample();
  const audited = replicas.map(
    (r) =>
      readFileSync(r.auditLog, 'utf8')
        .split('\n')
        .filter((l) => l.includes('"type":"record-access"')).length,
  );
  const outDir = join('load-tests/results', new Date().toISOString().replace(/[:.]/g, '-'));
  mkdirSync(outDir, { recursive: true });
  const verdict = await writeReport(outDir, {
    minutes,
    replicas: replicaCount,
    workers: workerCount,
    buckets,
    samples,
    audit: replicas.map((r, i) => ({ replica: i + 1, answered: r.answered, audited: audited[i]! })),
  });
  log(verdict.summary);
  log(`results in ${outDir}`);
  exitCode = verdict.ok ? 0 : 1;
} finally {
  clearInterval(sampler);
  await Promise.all(replicas.map((r) => r.process.stop()));
  await Promise.all([...suppliers.values()].map((s) => s.stop()));
  await redis.stop();
}
process.exit(exitCode);
