/**
 * `npm start`: the reference GP and hospital suppliers and the gateway, each its own process, on their
 * documented ports (override with GP_PORT, HOSPITAL_PORT, GATEWAY_PORT). Ctrl+C stops all three. A supplier
 * may be stopped on its own (kill its pid) to see the degraded view; the gateway keeps serving.
 */
import { randomBytes } from 'node:crypto';
import { launch, type Launched } from '../lib/launch.js';
import { formatNhsNumber } from '../schema/nhs-number.js';
import { DEFAULT_POPULATION, generatePopulation } from '../subgraphs/synthetic/index.js';

const env = { LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' };
const started: Launched[] = [];
let stopping = false;

// Suppliers verify every call against the gateway's published keys, fetched from its ops port.
const opsOrigin = `http://${process.env.OPS_HOST ?? '127.0.0.1'}:${process.env.OPS_PORT ?? '4090'}`;
const supplierEnv = { ...env, GATEWAY_JWKS_URL: `${opsOrigin}/.well-known/jwks.json` };

async function main(): Promise<void> {
  const gp = await launch({ entry: 'subgraphs/gp/main.ts', env: supplierEnv });
  started.push(gp);
  const hospital = await launch({ entry: 'subgraphs/hospital/main.ts', env: supplierEnv });
  started.push(hospital);
  // A token for this run's ops console, unless the operator brought their own.
  const opsToken = process.env.OPS_TOKEN ?? randomBytes(18).toString('base64url');
  const gateway = await launch({
    entry: 'gateway/main.ts',
    env: {
      ...env,
      GP_URL: gp.ready.url,
      HOSPITAL_URL: hospital.ready.url,
      OPS_TOKEN: opsToken,
      AUDIT_LOG: process.env.AUDIT_LOG ?? 'audit/audit.log',
    },
  });
  started.push(gateway);
  for (const [name, p] of [
    ['GP supplier', gp],
    ['hospital supplier', hospital],
  ] as const) {
    p.child.once('exit', (code, signal) => {
      if (!stopping)
        console.log(`\n${name} (pid ${p.pid}) stopped (${signal ?? code}); the gateway keeps answering.`);
    });
  }
  gateway.child.once('exit', (code) => {
    if (stopping) return;
    console.error(`gateway exited (code ${code}); stopping.`);
    void shutdown(1);
  });
  const fixtures = generatePopulation({ ...DEFAULT_POPULATION }).fixtures;
  const query = `{ patient(nhsNumber: \\"${formatNhsNumber(fixtures.sample)}\\") { demographics { givenName familyName birthDate } medications { medication { display } status } allergies { code { display } } encounters { class admittedAt reason { display } } } }`;
  console.log(`
Patient record availability gateway is running.

  Clinical GraphQL endpoint  ${gateway.ready.url}
  Ops console                ${gateway.ready.urls?.ops ?? '(not started)'}/  (ops token: ${process.env.OPS_TOKEN ? 'your OPS_TOKEN' : opsToken})
  Prometheus metrics         ${gateway.ready.urls?.ops ?? ''}/metrics
  Audit trail                ${process.env.AUDIT_LOG ?? 'audit/audit.log'} (one JSON line per patient looked up)
  GP supplier                ${gp.ready.url}  (pid ${gp.pid})
  Hospital supplier          ${hospital.ready.url}  (pid ${hospital.pid})

Sample patient (synthetic, NHS number ${formatNhsNumber(fixtures.sample)}):

  curl -s ${gateway.ready.url} -H 'content-type: application/json' \\
    -d '{"query":"${query}"}'

See the degraded view: query once, then \`kill ${gp.pid}\` (the GP supplier) and query again;
its card in the ops console turns OPEN within seconds.
Other test patients: restricted ${fixtures.restricted}, deceased ${fixtures.deceased}, no hospital history ${fixtures.noHospitalHistory}, unknown ${fixtures.unknown}.
Ctrl+C stops everything.
`);
}

async function shutdown(code: number): Promise<void> {
  stopping = true;
  await Promise.all(started.map((p) => p.stop()));
  process.exit(code);
}

process.once('SIGINT', () => void shutdown(0));
process.once('SIGTERM', () => void shutdown(0));
main().catch(async (error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  await shutdown(1);
});
