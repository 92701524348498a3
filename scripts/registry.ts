/**
 * `npm run registry -- <command>`: the supplier registry from a terminal or a CI pipeline. REGISTRY_URL
 * (default http://127.0.0.1:4090, the ops port) and REGISTRY_TOKEN (a supplier's registry credential, or an
 * ops token) say where and who. Exit codes: 0 done, 1 refused (the code is printed), 2 a usage mistake,
 * 3 the gateway (or, for `conformance`, the endpoint) could not be reached.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { systemClock } from '../lib/clock.js';
import { AssertionSigner } from '../gateway/auth/index.js';
import { runConformance } from '../gateway/registry/conformance/suite.js';
import { ownSdl } from '../schema/index.js';
import { printEntry, printGates, printList } from './registry-print.js';

const USAGE = `usage: npm run registry -- <command> [options]

  check     ENTRY_FILE                      run every gate on an entry; changes nothing
  publish   ENTRY_FILE --reason TEXT        run the gates, then put the entry live (or up for approval)
  list                                      entries, the version in service, pending approvals
  history   KEY                             every version and change of one entry (KEY: supplier/NAME, domain/NAME)
  approve   KEY VERSION --reason TEXT       operators: approve a version waiting for approval
  reject    KEY VERSION --reason TEXT       operators: reject it
  rollback  KEY [--to VERSION] --reason TEXT  put an earlier version back (default: the previous one)
  credential SUPPLIER --reason TEXT         operators: issue a supplier's registry credential (shown once)
  revoke    SUPPLIER --reason TEXT          operators: revoke it, at once
  conformance --url URL --name SUPPLIER --domain DOMAIN [--sdl-file FILE] --signing-key PEM_FILE
                                            run the conformance suite against an endpoint, from here

ENTRY_FILE is YAML or JSON: a supplier entry (kind: supplier, name, domain, url, organisations,
newOrganisations, contact) or a domain entry (kind: domain, name, serves, fallback, sdl or sdlFile).
environment: REGISTRY_URL (default http://127.0.0.1:4090), REGISTRY_TOKEN; --json prints raw answers`;

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    reason: { type: 'string' },
    to: { type: 'string' },
    url: { type: 'string' },
    name: { type: 'string' },
    domain: { type: 'string' },
    'sdl-file': { type: 'string' },
    'signing-key': { type: 'string' },
    issuer: { type: 'string', default: 'patient-record-gateway' },
    'latency-budget-ms': { type: 'string', default: '1000' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h' },
  },
});

function usage(problem?: string): never {
  if (problem) console.error(`${problem}\n`);
  console.error(USAGE);
  process.exit(problem ? 2 : 0);
}

const need = (name: 'reason' | 'url' | 'name' | 'domain' | 'signing-key'): string => {
  const value = values[name];
  if (typeof value !== 'string' || value === '') usage(`--${name} is required`);
  return value;
};
const arg = (i: number, what: string): string => positionals[i] ?? usage(`${what} is required`);

function entryFrom(file: string): unknown {
  let entry: Record<string, unknown>;
  try {
    const text = readFileSync(file, 'utf8');
    entry = (/\.ya?ml$/i.test(file) ? parseYaml(text) : JSON.parse(text)) as Record<string, unknown>;
  } catch (error) {
    return usage(`cannot read entry file "${file}": ${(error as Error).message}`);
  }
  // A domain's SDL may live beside the entry file.
  if (typeof entry?.sdlFile === 'string') {
    const { sdlFile, ...rest } = entry;
    return { ...rest, sdl: readFileSync(resolve(dirname(file), sdlFile), 'utf8') };
  }
  return entry;
}

type Call = { method: 'GET' | 'POST' | 'DELETE'; path: string; body?: Record<string, unknown> };

function callFor(command: string): Call {
  const key = () => arg(1, 'KEY').split('/').map(encodeURIComponent).join('/');
  switch (command) {
    case 'check':
      return {
        method: 'POST',
        path: '/api/registry/check',
        body: { entry: entryFrom(arg(1, 'ENTRY_FILE')) },
      };
    case 'publish':
      return {
        method: 'POST',
        path: '/api/registry/entries',
        body: { entry: entryFrom(arg(1, 'ENTRY_FILE')), reason: need('reason') },
      };
    case 'list':
      return { method: 'GET', path: '/api/registry' };
    case 'history':
      return { method: 'GET', path: `/api/registry/entries/${key()}` };
    case 'approve':
    case 'reject':
      return {
        method: 'POST',
        path: `/api/registry/entries/${key()}/versions/${encodeURIComponent(arg(2, 'VERSION'))}/${command}`,
        body: { reason: need('reason') },
      };
    case 'rollback':
      return {
        method: 'POST',
        path: `/api/registry/entries/${key()}/rollback`,
        body: { reason: need('reason'), ...(values.to ? { to: values.to } : {}) },
      };
    case 'credential':
      return {
        method: 'POST',
        path: `/api/registry/credentials/${encodeURIComponent(arg(1, 'SUPPLIER'))}`,
        body: { reason: need('reason') },
      };
    case 'revoke':
      return {
        method: 'DELETE',
        path: `/api/registry/credentials/${encodeURIComponent(arg(1, 'SUPPLIER'))}`,
        body: { reason: need('reason') },
      };
    default:
      return usage(`unknown command "${command}"`);
  }
}

async function conformance(): Promise<number> {
  const [url, name, domain] = [need('url'), need('name'), need('domain')];
  const sdlFile = values['sdl-file'];
  const sdl = sdlFile ? readFileSync(sdlFile, 'utf8') : ownSdl(domain);
  const signer = await AssertionSigner.create(
    {
      signingKeyPem: readFileSync(need('signing-key'), 'utf8'),
      publishedKeysPem: [],
      issuer: values.issuer,
      ttlSeconds: 60,
    },
    systemClock,
  );
  const identity = {
    userId: 'conformance-cli',
    role: 'SYSTEM',
    org: 'SUPPLIER',
    source: 'development',
  } as const;
  console.log(`conformance: ${name} (${domain}) at ${url}`);
  const report = await runConformance(
    { name, domain, url, ownSdl: sdl },
    {
      sign: (audience) => signer.sign(identity, 'conformance-cli', audience),
      timeoutMs: 5_000,
      latencyBudgetMs: Number(values['latency-budget-ms']),
    },
  );
  if (values.json) console.log(JSON.stringify(report, null, 2));
  else {
    for (const c of report.checks) {
      console.log(
        `  ${c.status === 'passed' ? '✓' : c.status === 'failed' ? '✗' : '-'} ${c.check.padEnd(19)} ${c.message}`,
      );
      for (const p of (c.problems ?? []).slice(1, 6)) console.log(`      ${p}`);
    }
  }
  const unreachable = report.checks.every(
    (c) => c.status === 'failed' && /cannot connect|no answer/.test(c.message),
  );
  console.log(report.passed ? 'conformant' : 'NOT conformant');
  return report.passed ? 0 : unreachable ? 3 : 1;
}

async function main(): Promise<number> {
  const command = positionals[0];
  if (values.help || command === undefined) usage();
  if (command === 'conformance') return conformance();
  const call = callFor(command);
  const token = process.env.REGISTRY_TOKEN;
  if (!token) usage('REGISTRY_TOKEN is required (a supplier registry credential or an ops token)');
  const base = process.env.REGISTRY_URL ?? 'http://127.0.0.1:4090';
  if (command === 'publish' || command === 'check')
    console.log(`${command}: running the gates at ${base} ...`);
  let response: Response;
  try {
    response = await fetch(`${base}${call.path}`, {
      method: call.method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(call.body ? { body: JSON.stringify(call.body) } : {}),
    });
  } catch (error) {
    console.error(
      `cannot reach the registry at ${base}: ${(error as { cause?: Error }).cause?.message ?? String(error)}`,
    );
    return 3;
  }
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (values.json) console.log(JSON.stringify(body, null, 2));
  const error = body.error as { code: string; message: string; gates?: unknown[] } | undefined;
  if (error) {
    if (!values.json && error.gates) printGates(error.gates as never);
    console.error(`refused: ${error.code}: ${error.message}`);
    return response.status >= 500 ? 3 : 1;
  }
  if (values.json) return (command === 'check' && body.ok === false) || body.applied === false ? 1 : 0;
  if (command === 'check' || command === 'publish') {
    printGates(body.gates as never);
    if (body.ok === false) {
      console.error(`would be refused: ${String(body.code)}: ${String(body.message)}`);
      return 1;
    }
    console.log(
      command === 'check'
        ? 'would pass every gate'
        : `${String(body.key)} version ${String(body.version)}: ${String(body.state)}`,
    );
  } else if (command === 'list') printList(body as never);
  else if (command === 'credential') {
    console.log(
      `registry credential for ${String(body.supplier)} (shown once; store it as REGISTRY_TOKEN):\n${String(body.token)}`,
    );
  } else if (command === 'revoke') console.log(`registry credential of ${String(body.supplier)} revoked`);
  else printEntry(body as never);
  if (body.applied === false) {
    console.error(`committed, but this replica could not apply it: ${String(body.problem)}`);
    return 1;
  }
  return 0;
}

process.exitCode = await main();
