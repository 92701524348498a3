/**
 * `npm start`: the whole reference market — three GP systems, three trusts' record systems and the
 * national summary record, each its own process on its documented port — and the gateway in front of them
 * (GATEWAY_PORT, OPS_PORT to move it). Ctrl+C stops everything. A supplier may be stopped on its own (kill
 * its pid) to see the degraded view: only its own patients' sections go stale.
 */
import { randomBytes } from 'node:crypto';
import { launch, type Launched } from '../lib/launch.js';
import { formatNhsNumber } from '../schema/nhs-number.js';
import { DEFAULT_POPULATION, generatePopulation, REFERENCE_MARKET } from '../subgraphs/synthetic/index.js';

const env = { LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' };
const started: Launched[] = [];
let stopping = false;

// Suppliers verify every call against the gateway's published keys, fetched from its ops port.
const opsOrigin = `http://${process.env.OPS_HOST ?? '127.0.0.1'}:${process.env.OPS_PORT ?? '4090'}`;
const supplierEnv = { ...env, GATEWAY_JWKS_URL: `${opsOrigin}/.well-known/jwks.json` };

async function main(): Promise<void> {
  const suppliers = await Promise.all(
    REFERENCE_MARKET.map(async (s) => {
      const launched = await launch({
        entry: 'subgraphs/main.ts',
        env: { ...supplierEnv, SUPPLIER_NAME: s.name },
      });
      started.push(launched);
      return { ...s, launched };
    }),
  );
  // A token for this run's ops console, unless the operator brought their own.
  const opsToken = process.env.OPS_TOKEN ?? randomBytes(18).toString('base64url');
  const gateway = await launch({
    entry: 'gateway/main.ts',
    env: {
      ...env,
      SUPPLIER_URLS: suppliers.map((s) => `${s.name}=${s.launched.ready.url}`).join(','),
      OPS_TOKEN: opsToken,
      AUDIT_LOG: process.env.AUDIT_LOG ?? 'audit/audit.log',
    },
  });
  started.push(gateway);
  for (const s of suppliers) {
    s.launched.child.once('exit', (code, signal) => {
      if (!stopping) {
        console.log(
          `\n${s.name} (pid ${s.launched.pid}) stopped (${signal ?? code}); the gateway keeps answering.`,
        );
      }
    });
  }
  gateway.child.once('exit', (code) => {
    if (stopping) return;
    console.error(`gateway exited (code ${code}); stopping.`);
    void shutdown(1);
  });
  const { fixtures } = generatePopulation({ ...DEFAULT_POPULATION });
  const query = `{ patient(nhsNumber: \\"${formatNhsNumber(fixtures.sample)}\\") { demographics { givenName familyName birthDate } medications { medication { display } status } allergies { code { display } } encounters { class admittedAt reason { display } source { name } } } }`;
  const line = (s: (typeof suppliers)[number]) =>
    `    ${s.name.padEnd(20)} ${s.launched.ready.url}  pid ${String(s.launched.pid).padEnd(7)} ${s.organisations.join(' ') || '(national fallback for everyone)'}`;
  const aurora = suppliers.find((s) => s.name === 'gp-aurora')!;
  console.log(`
Patient record availability gateway is running.

  Clinical GraphQL endpoint  ${gateway.ready.url}
  Ops console                ${gateway.ready.urls?.ops ?? '(not started)'}/  (ops token: ${process.env.OPS_TOKEN ? 'your OPS_TOKEN' : opsToken})
  Prometheus metrics         ${gateway.ready.urls?.ops ?? ''}/metrics
  Audit trail                ${process.env.AUDIT_LOG ?? 'audit/audit.log'} (one JSON line per patient looked up)

  The supplier market (name, endpoint, pid, organisations served):
  GP record domain
${suppliers
  .filter((s) => s.domain === 'gp')
  .map(line)
  .join('\n')}
  Hospital record domain
${suppliers
  .filter((s) => s.domain === 'hospital')
  .map(line)
  .join('\n')}

Sample patient (synthetic, NHS number ${formatNhsNumber(fixtures.sample)}, records at two trusts):

  curl -s ${gateway.ready.url} -H 'content-type: application/json' \\
    -d '{"query":"${query}"}'

See the degraded view: \`kill ${aurora.launched.pid}\` (gp-aurora: practices ${aurora.organisations.join(', ')}) and query again;
its patients' GP sections come back STALE, or FALLBACK from the summary record; everyone else's stay LIVE.
Other test patients: restricted ${fixtures.restricted}, out of area ${fixtures.outOfArea}, no hospital history ${fixtures.noHospitalHistory}, unknown ${fixtures.unknown}.
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
