/**
 * `npm run profile`: runs this gateway (built, production flags) under `node --cpu-prof` against the
 * supplier processes, loads it with the benchmark's healthy scenario, stops it, and prints where the CPU
 * time went: by package, by function (inclusive) and by part of a request (which safeguard, which layer;
 * lib/request-parts.ts). The .cpuprofile is kept for Chrome DevTools.
 */
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { launch } from '../lib/launch.js';
import { marketFile, TEST_ASSERTION_KEY } from '../lib/testbed/index.js';
import { startEnvironment } from './lib/environment.js';
import { BENCH_AUTH_ENV } from './lib/auth.js';
import { summariseProfile } from './lib/cpu-profile.js';
import { attributeProfile, type CpuProfileData } from './lib/request-parts.js';
import { runLoad } from './lib/load.js';
import { benchPatients } from './lib/patients.js';
import { GATEWAY_NODE_FLAGS, TARGETS } from './lib/targets.js';
import { whole } from './lib/options.js';
import { patientsWorkload } from './scaling/workloads.js';

// `--patients=N`: the scaling run's clinic-list query for N patients instead of the benchmark's one patient,
// to see which part of a request grows faster than the work (compare the per-part figures of two N).
const { values } = parseArgs({ options: { patients: { type: 'string' } } });
const listOf = values.patients === undefined ? undefined : whole(values.patients, 1, 1, 100, 'patients');

const out = resolve(`load-tests/results/profile-${new Date().toISOString().replace(/[:.]/g, '-')}`);
mkdirSync(out, { recursive: true });
const env = await startEnvironment();
const target = TARGETS.gateway!;
try {
  const gateway = await launch({
    entry: 'dist/gateway/main.js',
    tsx: false,
    execArgv: [...GATEWAY_NODE_FLAGS, '--cpu-prof', `--cpu-prof-dir=${out}`],
    env: {
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      GATEWAY_PORT: '0',
      OPS_PORT: '0',
      OPS_TOKEN: 'profile-ops-token-0123456789',
      SUPPLIERS_FILE: marketFile([env.gp, env.hospital]),
      REDIS_URL: env.redis.url,
      CACHE_ENCRYPTION_KEY: 'c3'.repeat(32),
      ASSERTION_SIGNING_KEY: TEST_ASSERTION_KEY,
      AUDIT_LOG: join(out, 'audit.log'),
      REGISTRY_STATE_FILE: join(out, 'registry.json'),
      ...BENCH_AUTH_ENV,
    },
  });
  const plan = {
    url: gateway.ready.url,
    pid: gateway.pid,
    ...(listOf === undefined
      ? { patients: benchPatients, body: target.body, verify: target.verify }
      : (({ keys, body, verify }) => ({ patients: keys, body, verify }))(
          patientsWorkload(benchPatients, listOf),
        )),
    incompleteIsWrong: true,
  };
  // As the benchmark's healthy scenario, or as the scaling run's patients points.
  const connections = listOf === undefined ? 50 : 20;
  const warm = await runLoad({ ...plan, connections, durationS: 3 });
  const result = await runLoad({ ...plan, connections, durationS: 10 });
  await gateway.stop();
  const file = join(
    out,
    readdirSync(out).find((f) => f.endsWith('.cpuprofile'))!,
  );
  const summary = summariseProfile(file);
  const pct = (share: number) => `${(share * 100).toFixed(1).padStart(5)} %`;
  console.log(`\n${result.rps} req/s under the profiler (slower than without it); profile: ${file}\n`);
  console.log('Self time by package:');
  for (const p of summary.byPackage) console.log(`  ${pct(p.share)}  ${p.name}`);
  console.log('\nInclusive time by function:');
  for (const f of summary.inclusive) console.log(`  ${pct(f.share)}  ${f.name}`);
  const answered = warm.requests + result.requests;
  const perPatient = listOf === undefined ? '' : `, ${listOf} patients each`;
  const ledger = attributeProfile(JSON.parse(readFileSync(file, 'utf8')) as CpuProfileData);
  const us = (ms: number) => `${((ms * 1000) / answered).toFixed(0).padStart(5)} µs`;
  console.log(
    `\nMain-thread CPU by part of a request (${answered} requests${perPatient}; start-up is in "other"):`,
  );
  for (const p of ledger.parts) console.log(`  ${us(p.ms)}  ${pct(p.share)}  ${p.name}`);
  console.log(`  ${us(ledger.busyMs)}  100.0 %  in all (idle ${us(ledger.idleMs).trim()} more)`);
} finally {
  await env.stop();
}
