/**
 * `npm run profile`: runs this gateway (built, production flags) under `node --cpu-prof` against the
 * supplier processes, loads it with the benchmark's healthy scenario, stops it, and prints where the CPU
 * time went — by package and by function (inclusive). The .cpuprofile is kept for Chrome DevTools.
 */
import { mkdirSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { launch } from '../lib/launch.js';
import { marketFile, TEST_ASSERTION_KEY } from '../lib/testbed/index.js';
import { startEnvironment } from './lib/environment.js';
import { BENCH_AUTH_ENV } from './lib/auth.js';
import { summariseProfile } from './lib/cpu-profile.js';
import { runLoad } from './lib/load.js';
import { benchPatients } from './lib/patients.js';
import { GATEWAY_NODE_FLAGS, TARGETS } from './lib/targets.js';

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
    patients: benchPatients,
    body: target.body,
    verify: target.verify,
    incompleteIsWrong: true,
  };
  await runLoad({ ...plan, connections: 50, durationS: 3 });
  const result = await runLoad({ ...plan, connections: 50, durationS: 10 });
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
} finally {
  await env.stop();
}
