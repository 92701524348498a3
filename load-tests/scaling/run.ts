/**
 * `npm run bench:scaling`: what one request costs this gateway as its work grows, one dimension at a time:
 * patients per request (1, 5, 20, 50), record sections per request (1 to all 12), and suppliers sharing
 * the GP domain (1, 2, 3, 8: a clinic list of 20 patients then fans out to that many GP systems). Each
 * point is a fresh measured run against the built gateway with its production settings, every answer
 * checked against the synthetic truth. Prints and writes latency, CPU and allocation per request, the
 * fitted slope per added unit, and a chart; `--publish` also rewrites docs/benchmarks.md's scaling part.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startSupplier, type TestSupplier } from '../../lib/testbed/index.js';
import { PRACTICES } from '../../subgraphs/synthetic/index.js';
import { BENCH_SUPPLIER_ENV, startEnvironment, type BenchEnvironment } from '../lib/environment.js';
import { runLoad } from '../lib/load.js';
import { whole } from '../lib/options.js';
import { benchPatients } from '../lib/patients.js';
import { publishBenchmarks } from '../lib/publish.js';
import { startGatewayFor, type RunningTarget } from '../lib/targets.js';
import { scalingChart, scalingMarkdown, type Dimension, type Point } from './report.js';
import { patientsWorkload, sectionsWorkload, type Workload } from './workloads.js';

const { values } = parseArgs({
  options: {
    duration: { type: 'string' },
    warmup: { type: 'string' },
    connections: { type: 'string' },
    quick: { type: 'boolean', default: false },
    publish: { type: 'boolean', default: false },
  },
});
const quick = values.quick;
const durationS = quick ? 3 : whole(values.duration, 8, 1, 600, 'duration');
const warmupS = quick ? 1 : whole(values.warmup, 2, 1, 60, 'warmup');
const connections = whole(values.connections, 20, 1, 1_000, 'connections');
const CLINIC_LIST = 20;
const log = (line: string) => console.log(`[scaling ${new Date().toISOString().slice(11, 19)}] ${line}`);
const points: Point[] = [];
const started: TestSupplier[] = [];
let env: BenchEnvironment | undefined;

async function measure(dimension: Dimension, x: number, gateway: RunningTarget, work: Workload) {
  const plan = {
    url: gateway.url,
    pid: gateway.pid,
    patients: work.keys,
    body: work.body,
    verify: work.verify,
  };
  await runLoad({ ...plan, connections, durationS: warmupS, incompleteIsWrong: true });
  const r = await runLoad({ ...plan, connections, durationS, incompleteIsWrong: true, cost: gateway.cost });
  if (r.aborted) throw new Error(`${dimension} = ${x}: ${r.aborted}`);
  const point: Point = {
    dimension,
    x,
    rps: r.rps,
    p50: r.latency.p50,
    p99: r.latency.p99,
    cpuUs: r.cost?.cpuUs ?? 0,
    allocatedKb: r.cost?.allocatedKb ?? 0,
    gcUs: r.cost?.gcUs ?? 0,
    errors: r.errors + r.timeouts + r.non2xx + r.stuck,
  };
  points.push(point);
  log(
    `${dimension} ${x}: ${point.rps} req/s, p50 ${point.p50} ms, p99 ${point.p99} ms, ${point.cpuUs} µs CPU (GC ${point.gcUs}) and ${point.allocatedKb} KB per request`,
  );
}

/** The market's GP practices split among `k` GP systems (names gp-s1..gp-sk), each its own process. */
async function gpSystems(k: number): Promise<TestSupplier[]> {
  const share = (i: number) => PRACTICES.filter((_, p) => p % k === i).map((p) => p.odsCode);
  const systems = await Promise.all(
    Array.from({ length: k }, (_, i) =>
      startSupplier(`gp-s${i + 1}`, {
        ...BENCH_SUPPLIER_ENV,
        SUPPLIER_KIND: 'gp-system',
        SUPPLIER_ORGANISATIONS: share(i).join(','),
      }),
    ),
  );
  started.push(...systems);
  return systems;
}

async function main(): Promise<void> {
  env = await startEnvironment();
  const e = env;
  log(`${durationS} s per point after ${warmupS} s warm-up, ${connections} connections`);
  const base = await startGatewayFor([e.gp, e.hospital], e);
  try {
    for (const n of quick ? [1, 20] : [1, 5, 20, 50])
      await measure('patients', n, base, patientsWorkload(benchPatients, n));
    for (const n of quick ? [1, 12] : [1, 2, 4, 8, 12])
      await measure('sections', n, base, sectionsWorkload(benchPatients, n));
  } finally {
    await base.stop();
  }
  for (const k of quick ? [1, 3] : [1, 2, 3, 8]) {
    const gps = k === 1 ? [e.gp] : await gpSystems(k);
    const gateway = await startGatewayFor([...gps, e.hospital], e);
    try {
      await measure('suppliers', k, gateway, patientsWorkload(benchPatients, CLINIC_LIST));
    } finally {
      await gateway.stop();
      await Promise.all(gps.filter((g) => g !== e.gp).map((g) => g.stop()));
    }
  }
}

async function write(): Promise<void> {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const outDir = `load-tests/results/${stamp}-scaling`;
  mkdirSync(outDir, { recursive: true });
  const settings = { durationS, warmupS, connections, clinicList: CLINIC_LIST };
  writeFileSync(join(outDir, 'scaling.json'), JSON.stringify({ settings, points }, null, 2));
  const chart = await scalingChart(points);
  writeFileSync(join(outDir, 'scaling.svg'), chart);
  const text = scalingMarkdown(points, settings, new Date().toISOString());
  writeFileSync(join(outDir, 'scaling.md'), text.replaceAll('benchmarks/scaling.svg', 'scaling.svg'));
  console.log(text);
  log(`results in ${outDir}`);
  if (values.publish) {
    publishBenchmarks('scaling', text, { 'scaling.svg': chart });
    log('published to docs/benchmarks.md');
  }
}

async function stopAll(): Promise<void> {
  await Promise.all(started.map((s) => s.stop()));
  await env?.stop();
}

main()
  .then(write)
  .then(stopAll)
  .then(() => process.exit(0))
  .catch(async (error: unknown) => {
    console.error(error);
    await stopAll();
    process.exit(1);
  });
