/**
 * `npm run bench:swaps`: contract upgrades under load. Two replicas of the built gateway (production mode,
 * Redis shared) take load while the GP domain's contract is published again and again, alternating between
 * the committed version and one adding `Medication.indication`; every publish swaps the supergraph on both
 * replicas. Every answer is checked against the synthetic data: a failed, incomplete or wrong answer is a
 * defect. Prints the figures and writes them to load-tests/results/<time>/swaps.json.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Launched } from '../lib/launch.js';
import { marketFile, startPrivateRedis, startSupplier } from '../lib/testbed/index.js';
import { ownSdl } from '../schema/index.js';
import { latencyOf, runLoad, type LoadResult } from './lib/load.js';
import { benchPatients } from './lib/patients.js';
import { launchReplica } from './lib/replicas.js';
import { TARGETS } from './lib/targets.js';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '30' },
    connections: { type: 'string', default: '16' },
    'swap-every-ms': { type: 'string', default: '2000' },
  },
});
const durationS = Number(values.duration);
const connections = Number(values.connections);
const swapEveryMs = Number(values['swap-every-ms']);
const OPS_TOKEN = 'benchmark-ops-token-0123456789';
const NEXT_SDL = ownSdl('gp').replace(
  'type Medication {\n  id: ID!',
  'type Medication {\n  id: ID!\n  "Why it was prescribed."\n  indication: String',
);

const scratch = mkdtempSync(join(tmpdir(), 'prag-swaps-'));
const sdlFile = join(scratch, 'gp-next.graphql');
writeFileSync(sdlFile, NEXT_SDL);
const log = (line: string) => console.log(`[swaps] ${line}`);

const [redis, gp, hospital] = await Promise.all([
  startPrivateRedis(),
  startSupplier('gp', { LOG_LEVEL: 'warn', SUPPLIER_SDL_FILE: sdlFile }),
  startSupplier('hospital', { LOG_LEVEL: 'warn' }),
]);
const suppliersFile = marketFile([gp, hospital]);
const replicas: Launched[] = [];
try {
  for (const id of ['swap-a', 'swap-b']) {
    replicas.push(
      await launchReplica({ id, suppliersFile, redisUrl: redis.url, opsToken: OPS_TOKEN, dir: scratch }),
    );
  }
  const opsUrl = replicas[0]!.ready.urls!.ops!;
  const swaps: { at: number; ms: number; status: number; generation?: number }[] = [];
  let stop = false;
  const started = performance.now();
  const swapLoop = async () => {
    for (let i = 0; !stop; i++) {
      await new Promise((r) => setTimeout(r, swapEveryMs));
      if (stop) break;
      const t0 = performance.now();
      const response = await fetch(`${opsUrl}/api/registry/entries`, {
        method: 'POST',
        headers: { authorization: `Bearer ${OPS_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          entry: {
            kind: 'domain',
            name: 'gp',
            serves: 'practice',
            sdl: i % 2 === 0 ? NEXT_SDL : ownSdl('gp'),
          },
          reason: `swap benchmark ${i + 1}`,
        }),
      });
      const body = (await response.json()) as { error?: { code: string; message: string } };
      if (body.error) log(`publish ${i + 1} refused: ${body.error.code}: ${body.error.message}`);
      swaps.push({ at: t0 - started, ms: performance.now() - t0, status: response.status });
    }
  };
  log(
    `${replicas.length} replicas, ${connections} connections in all, ${durationS} s, a publish every ${swapEveryMs} ms`,
  );
  const target = TARGETS.gateway!;
  const loads: Promise<LoadResult>[] = replicas.map((r) =>
    runLoad({
      url: r.ready.url,
      pid: r.pid,
      connections: Math.max(1, Math.floor(connections / 2)),
      durationS,
      patients: benchPatients,
      body: target.body,
      verify: target.verify,
      incompleteIsWrong: true,
    }),
  );
  const swapping = swapLoop();
  const results = await Promise.all(loads);
  stop = true;
  await swapping;
  const replicaReports = await Promise.all(
    replicas.map(async (r) => {
      const status = (await (
        await fetch(`${r.ready.urls!.ops!}/api/status`, { headers: { authorization: `Bearer ${OPS_TOKEN}` } })
      ).json()) as {
        registry: { revision: number; supergraph?: { generation: number; plansWarmed: number } };
      };
      return status.registry;
    }),
  );
  const summary = {
    durationS,
    connections,
    publishes: swaps.length,
    publishesAccepted: swaps.filter((s) => s.status === 201).length,
    publishMs: latencyOf(swaps.map((s) => s.ms)),
    replicas: results.map((r, i) => ({
      requests: r.requests,
      rps: Math.round(r.rps),
      p50: r.latency.p50,
      p99: r.latency.p99,
      non2xx: r.non2xx,
      errors: r.errors,
      timeouts: r.timeouts,
      incomplete: r.incomplete,
      wrong: r.samples.filter((s) => s.kind === 'wrong').length,
      aborted: r.aborted ?? null,
      registry: replicaReports[i],
    })),
  };
  const outDir = join('load-tests/results', new Date().toISOString().replace(/[:.]/g, '-'));
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'swaps.json'), JSON.stringify(summary, null, 2));
  console.log(JSON.stringify(summary, null, 2));
  const failed = summary.replicas.reduce(
    (n, r) => n + r.non2xx + r.errors + r.timeouts + r.incomplete + r.wrong,
    0,
  );
  log(
    `${summary.publishesAccepted}/${summary.publishes} publishes (median ${summary.publishMs.p50.toFixed(0)} ms each, both replicas swapped), ` +
      `${summary.replicas.reduce((n, r) => n + r.requests, 0)} requests, ${failed} failed or incomplete or wrong`,
  );
  process.exitCode = failed === 0 && summary.replicas.every((r) => !r.aborted) ? 0 : 1;
} finally {
  await Promise.all(replicas.map((r) => r.stop()));
  await Promise.all([gp.stop(), hospital.stop(), redis.stop()]);
}
