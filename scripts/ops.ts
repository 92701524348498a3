/**
 * `npm run ops -- <command>`: the ops API from a terminal or a runbook. OPS_URL (default
 * http://127.0.0.1:4090) and OPS_TOKEN say where and who. Exit codes: 0 done, 1 refused by the gateway (its
 * code is printed), 2 a usage mistake, 3 the gateway could not be reached.
 */
import { parseArgs } from 'node:util';

const USAGE = `usage: npm run ops -- <command> [options]

  status                                             every supplier, grouped by record domain
  migrations                                         practice migrations scheduled or in effect
  migrate   --organisation ODS --to SUPPLIER --cutover ISO --reason TEXT
  cancel    --organisation ODS --reason TEXT         cancel a migration before its cut-over
  rollback  --organisation ODS --reason TEXT         move a practice back after its cut-over
  isolate | restore | reset  --supplier NAME --reason TEXT
  quarantine --supplier NAME --since ISO --reason TEXT
  purge     [--supplier NAME] [--nhs-number N] --reason TEXT

environment: OPS_URL (default http://127.0.0.1:4090), OPS_TOKEN (required)`;

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    organisation: { type: 'string' },
    to: { type: 'string' },
    cutover: { type: 'string' },
    reason: { type: 'string' },
    supplier: { type: 'string' },
    since: { type: 'string' },
    'nhs-number': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});

function usage(problem?: string): never {
  if (problem) console.error(`${problem}\n`);
  console.error(USAGE);
  process.exit(problem ? 2 : 0);
}

const need = (name: keyof typeof values): string => {
  const value = values[name];
  if (typeof value !== 'string' || value === '') usage(`--${name} is required`);
  return value;
};

type Request = { method: 'GET' | 'POST'; path: string; body?: Record<string, unknown> };

function requestFor(command: string | undefined): Request {
  const path = (p: string) => encodeURIComponent(p);
  if (command === undefined) return usage();
  switch (command) {
    case 'status':
      return { method: 'GET', path: '/api/status' };
    case 'migrations':
      return { method: 'GET', path: '/api/migrations' };
    case 'migrate':
      return {
        method: 'POST',
        path: '/api/migrations',
        body: {
          organisation: need('organisation'),
          to: need('to'),
          cutover: need('cutover'),
          reason: need('reason'),
        },
      };
    case 'cancel':
    case 'rollback':
      return {
        method: 'POST',
        path: `/api/migrations/${path(need('organisation'))}/${command}`,
        body: { reason: need('reason') },
      };
    case 'isolate':
    case 'restore':
    case 'reset':
      return {
        method: 'POST',
        path: `/api/suppliers/${path(need('supplier'))}/${command}`,
        body: { reason: need('reason') },
      };
    case 'quarantine':
      return {
        method: 'POST',
        path: `/api/suppliers/${path(need('supplier'))}/quarantine`,
        body: { since: need('since'), reason: need('reason') },
      };
    case 'purge': {
      const nhsNumber = values['nhs-number'];
      const body = { reason: need('reason'), ...(nhsNumber ? { nhsNumber } : {}) };
      if (values.supplier)
        return { method: 'POST', path: `/api/suppliers/${path(values.supplier)}/purge`, body };
      if (!nhsNumber) usage('purge needs --supplier, --nhs-number or both');
      return { method: 'POST', path: '/api/patients/purge', body };
    }
    default:
      return usage(`unknown command "${command}"`);
  }
}

/** A readable summary of what the gateway answered. */
function show(command: string, body: Record<string, unknown>): string {
  if (command === 'status') {
    const suppliers = body.suppliers as {
      name: string;
      domain: string;
      state: string;
      organisations: string[];
      patients: number | null;
    }[];
    const domains = [...new Set(suppliers.map((s) => s.domain))];
    return domains
      .map((d) =>
        [
          `${d} record domain`,
          ...suppliers
            .filter((s) => s.domain === d)
            .map(
              (s) =>
                `  ${s.name.padEnd(20)} ${s.state.padEnd(10)} ${(s.organisations.join(' ') || 'fallback for everyone').padEnd(24)} ${s.patients ?? '?'} patients`,
            ),
        ].join('\n'),
      )
      .join('\n');
  }
  if (command === 'migrations') {
    const migrations = body.migrations as {
      organisation: string;
      from: string;
      to: string;
      cutover: string;
      state: string;
      by: string;
      reason: string;
    }[];
    if (migrations.length === 0) return 'no migrations scheduled or in effect';
    return migrations
      .map(
        (m) => `${m.organisation}  ${m.from} -> ${m.to}  at ${m.cutover}  ${m.state}  (${m.by}: ${m.reason})`,
      )
      .join('\n');
  }
  const event = body.event as Record<string, unknown> | undefined;
  return `${String(event?.action)} done by ${String(event?.by)}${body.replicated === false ? ' (on this replica only: decisions are shared through Redis, and it is not configured or not reachable)' : ''}`;
}

async function main(): Promise<void> {
  if (values.help) usage();
  const command = positionals[0];
  const request = requestFor(command);
  const token = process.env.OPS_TOKEN;
  if (!token) usage('OPS_TOKEN is required');
  const base = process.env.OPS_URL ?? 'http://127.0.0.1:4090';
  let response: Response;
  try {
    response = await fetch(`${base}${request.path}`, {
      method: request.method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(request.body ? { body: JSON.stringify(request.body) } : {}),
    });
  } catch (error) {
    console.error(`could not reach the gateway's ops port at ${base}: ${(error as Error).message}`);
    process.exit(3);
  }
  const body = (await response.json()) as Record<string, unknown>;
  if (!response.ok) {
    const { code, message } = body.error as { code: string; message: string };
    console.error(`refused: ${code}: ${message}`);
    process.exit(1);
  }
  console.log(show(command!, body));
}

void main();
