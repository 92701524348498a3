/**
 * Differential: the prepared path (gateway/execution/) answers exactly as Apollo Server's pipeline does.
 * Two gateways over the same real suppliers, one with PREPARED_OPERATIONS=on and one with it off, are sent
 * the same 1,000 generated operations (aliases, fragments, directives, lists, unknown and restricted
 * patients, invalid documents), under every Accept header clinical apps send, with and without the
 * operation name (or with null or "" for it), and with variables that coerce and variables that do not.
 * Each operation goes to the first gateway twice (the first request prepares it, the second runs prepared) and to the second once;
 * status, content type and body must be identical (only the order of errors and of the availability report's
 * suppliers may differ: it follows which parallel supplier call finished first, on either path), and so
 * must the audit records the two requests leave. The prepared path must really have answered (its metric counts it).
 */
import fc from 'fast-check';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../gateway/app.js';
import { operationMemoCounts } from '../../gateway/execution/operation-memo.js';
import { startSupplier, type TestSupplier } from '../../lib/testbed/index.js';
import { startTestGateway } from '../helpers/gateway.js';
import { operations } from '../helpers/operations.js';
import { ops, sample } from '../helpers/ops.js';
import { LOOKUP_NUMBERS } from '../helpers/scenario.js';
import { apiSchema } from '../helpers/truth.js';

const RUNS = 1_000;
const SEED = Number(process.env.PROPERTY_SEED ?? 20_261_122);
const NUMBERS = LOOKUP_NUMBERS;
/** Accept headers: none, the four the prepared path answers, and one it leaves to Apollo Server. */
const ACCEPTS = [
  undefined,
  '*/*',
  'application/json',
  'application/graphql-response+json',
  'application/graphql-response+json, application/json;q=0.9',
];

interface Sent {
  readonly status: number;
  readonly contentType: string | null;
  readonly body: unknown;
}

/** JSON with every object's keys sorted: for parts whose order carries no meaning. */
const sorted = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );

/**
 * An answer as compared: the top-level keys in the order written, `data` exactly as written (field order
 * follows the query), each error exactly as written; but the errors as a set and `extensions` with sorted
 * keys, because the gateway lists errors, and suppliers in the availability report, in the order parallel
 * supplier calls finished, which differs from one request to the next on either path.
 */
function comparable(text: string): unknown {
  const body = JSON.parse(text) as { errors?: unknown[]; data?: unknown; extensions?: unknown };
  return {
    keys: Object.keys(body),
    data: JSON.stringify(body.data),
    errors: body.errors?.map((e) => JSON.stringify(e)).sort(),
    extensions: sorted(body.extensions),
    endsWithNewline: text.endsWith('\n'),
  };
}

async function send(url: string, requestId: string, body: unknown, accept?: string): Promise<Sent> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-request-id': requestId,
      ...(accept === undefined ? {} : { accept }),
    },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    body: comparable(await response.text()),
  };
}

/** Audit records by request id, without the time they were written. */
function auditByRequest(file: string): Map<string, unknown[]> {
  const byId = new Map<string, unknown[]>();
  for (const line of readFileSync(file, 'utf8').split('\n').filter(Boolean)) {
    const { at: _at, ...record } = JSON.parse(line) as { at: string; requestId: string };
    byId.set(record.requestId, [...(byId.get(record.requestId) ?? []), record]);
  }
  return byId;
}

describe('the prepared path against Apollo Server, operation by operation', () => {
  let gp: TestSupplier;
  let hospital: TestSupplier;
  let prepared: RunningGateway;
  let reference: RunningGateway;
  const audit = { prepared: '', reference: '' };

  beforeAll(async () => {
    [gp, hospital] = await Promise.all([startSupplier('gp'), startSupplier('hospital')]);
    const dir = mkdtempSync(join(tmpdir(), 'prag-differential-'));
    audit.prepared = join(dir, 'prepared.log');
    audit.reference = join(dir, 'reference.log');
    const common = { BREAKER_IDLE_PROBE_MS: '0', BREAKER_TIMEOUT_MS: '5000' };
    [prepared, reference] = await Promise.all([
      startTestGateway({ gp, hospital }, { ...common, AUDIT_LOG: audit.prepared }),
      startTestGateway(
        { gp, hospital },
        { ...common, AUDIT_LOG: audit.reference, PREPARED_OPERATIONS: 'off' },
      ),
    ]);
  });
  afterAll(async () => {
    await Promise.all([prepared?.close(), reference?.close()]);
    await Promise.all([gp?.stop(), hospital?.stop()]);
  });

  it(
    `gives the same status, content type, body and audit records for ${RUNS} generated operations`,
    { timeout: 300_000 },
    async () => {
      const cases = fc.sample(
        fc.record({
          op: operations(apiSchema, NUMBERS),
          // No name, the operation's name, an explicit null, and "" (which names no operation).
          name: fc.constantFrom<string | null | undefined>(undefined, 'Generated', null, ''),
          accept: fc.constantFrom(...ACCEPTS),
          // Variables the executor refuses after the operation was prepared: Apollo Server answers them.
          badVariables: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
        }),
        { numRuns: RUNS, seed: SEED },
      );
      // The prepared path runs on the operation the memo keeps: one document, four requests. The first goes
      // through Apollo Server (one build, against the gateway's schema), the second prepares and builds
      // against the prepared path's schema, and the rest reuse that build.
      const memo = operationMemoCounts();
      const kept = { query: 'query Kept($n: String!) { kept: patient(nhsNumber: $n) { nhsNumber } }' };
      for (let i = 0; i < 4; i++)
        expect(
          (await send(prepared.url, `kept-${i}`, { ...kept, variables: { n: NUMBERS[0] } })).status,
        ).toBe(200);
      const after = operationMemoCounts();
      expect({ built: after.built - memo.built, reused: after.reused - memo.reused }).toEqual({
        built: 2,
        reused: 2,
      });

      let compared = 0;
      // Second requests the prepared path must answer: a valid operation, an Accept header it serves.
      let expectPrepared = 0;
      for (const [i, c] of cases.entries()) {
        if (c.op.aliases > 30 || c.op.directives > 20) continue;
        const body = {
          query: c.op.query,
          ...(c.name === undefined ? {} : { operationName: c.name }),
          variables: c.op.variables,
        };
        const second = c.badVariables ? { ...body, variables: { flag: 'yes' } } : body;
        await send(prepared.url, `warm-${i}`, body, c.accept);
        const [fast, slow] = await Promise.all([
          send(prepared.url, `op-${i}`, second, c.accept),
          send(reference.url, `op-${i}`, second, c.accept),
        ]);
        expect({ case: i, ...fast }).toEqual({ case: i, ...slow });
        compared++;
        if (slow.status === 200 && c.accept !== ACCEPTS.at(-1)) expectPrepared++;
      }
      expect(compared).toBeGreaterThan(RUNS * 0.8);
      // The prepared path really answered most of the second requests.
      const metrics = await ops<string>(prepared.ops.url, '/metrics');
      const answered = sample(metrics.body, 'patient_gateway_clinical_requests_by_path_total', {
        path: 'prepared',
      });
      expect(expectPrepared).toBeGreaterThan(RUNS / 4);
      expect(answered).toBeGreaterThanOrEqual(expectPrepared);
      const none = await ops<string>(reference.ops.url, '/metrics');
      expect(sample(none.body, 'patient_gateway_clinical_requests_by_path_total', { path: 'prepared' })).toBe(
        undefined,
      );
      // The same audit records, once both trails are flushed.
      await Promise.all([prepared.close(), reference.close()]);
      const [fastAudit, slowAudit] = [auditByRequest(audit.prepared), auditByRequest(audit.reference)];
      const ids = [...slowAudit.keys()].filter((id) => id.startsWith('op-'));
      expect(ids.length).toBeGreaterThan(RUNS / 4);
      for (const id of ids)
        expect({ id, records: fastAudit.get(id) }).toEqual({ id, records: slowAudit.get(id) });
      expect([...fastAudit.keys()].filter((id) => id.startsWith('op-')).sort()).toEqual(ids.sort());
    },
  );
});
