import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../gateway/app.js';
import { pausableFifo, type PausableFifo } from '../helpers/fifo.js';
import { eventually, startProcesses, startTestGateway, type TestProcesses } from '../helpers/gateway.js';
import { population } from '../helpers/scenario.js';

const PATIENTS = `query Clinic($ns: [String!]!) { patients(nhsNumbers: $ns) { nhsNumber } }`;
const clinic = population.patients.slice(300, 350).map((p) => p.demographics.nhsNumber);

/**
 * An audit destination that stops taking records (a stalled disk or log collector), made real: AUDIT_LOG is
 * a FIFO whose only reader this test pauses, resumes or kills (helpers/fifo.ts).
 */
describe('an audit trail that falls behind or fails', () => {
  let processes: TestProcesses;
  let gateway: RunningGateway | undefined;
  let fifo: PausableFifo | undefined;

  const ask = (requestId: string) =>
    fetch(gateway!.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': requestId },
      body: JSON.stringify({ query: PATIENTS, variables: { ns: clinic } }),
    });
  const readyz = async () => {
    const response = await fetch(`${gateway!.ops.url}/readyz`);
    return { status: response.status, body: (await response.json()) as { audit: string } };
  };
  const codesOf = async (response: Response) =>
    ((await response.json()) as { errors: { extensions: { code: string } }[] }).errors.map(
      (e) => e.extensions.code,
    );
  const accessRecords = () =>
    fifo!
      .read()
      .split('\n')
      .filter((l) => l.includes('"type":"record-access"'))
      .map((l) => JSON.parse(l) as { requestId: string });

  beforeAll(async () => {
    processes = await startProcesses();
  });

  beforeEach(async () => {
    fifo = pausableFifo('prag-audit-backlog-');
    gateway = await startTestGateway([processes.gp, processes.hospital], {
      AUDIT_LOG: fifo.path,
      AUDIT_MAX_BACKLOG_MB: '1',
    });
  });

  afterEach(async () => {
    try {
      fifo?.resume();
      await gateway?.close();
    } finally {
      fifo?.remove();
      [gateway, fifo] = [undefined, undefined];
    }
  });

  afterAll(async () => {
    await processes?.stop();
  });

  it('refuses new requests and reports itself unready while behind, then catches up with nothing lost', async () => {
    expect((await ask('before-0')).status).toBe(200);
    fifo!.pause();
    // Each answered request adds 50 records to a backlog nobody drains; soon it is over 1 MiB.
    const served = ['before-0'];
    let refused: Response | undefined;
    for (let i = 1; i <= 1_000 && !refused; i++) {
      const response = await ask(`while-${i}`);
      if (response.status === 200) served.push(`while-${i}`);
      else refused = response;
    }
    expect(refused?.status).toBe(503);
    expect(refused?.headers.get('retry-after')).toBe('1');
    expect(await codesOf(refused!)).toEqual(['AUDIT_UNAVAILABLE']);
    expect(served.length).toBeGreaterThan(10);
    expect(await readyz()).toMatchObject({ status: 503, body: { audit: 'behind' } });
    const metrics = await (await fetch(`${gateway!.ops.url}/metrics`)).text();
    const backlog = Number(/^patient_gateway_audit_backlog_bytes (\d+)$/m.exec(metrics)?.[1]);
    expect(backlog).toBeGreaterThan(1_048_576);

    fifo!.resume();
    await eventually(async () => (await readyz()).status === 200, 10_000, 'the replica to be ready again');
    expect((await readyz()).body.audit).toBe('ok');
    expect((await ask('after-0')).status).toBe(200);
    served.push('after-0');
    // Every served request's 50 lookups reached the destination; the refused one looked nobody up.
    const expected = served.length * clinic.length;
    await eventually(() => accessRecords().length === expected, 10_000, `${expected} record-access lines`);
    const byRequest = new Map<string, number>();
    for (const r of accessRecords()) byRequest.set(r.requestId, (byRequest.get(r.requestId) ?? 0) + 1);
    expect([...byRequest.keys()].sort()).toEqual([...served].sort());
    expect([...byRequest.values()].every((n) => n === clinic.length)).toBe(true);
  });

  it('once a write fails, refuses every clinical request and stays unready', async () => {
    expect((await ask('before-0')).status).toBe(200);
    // The only reader gone: the next write to the FIFO fails (EPIPE), as a write to a lost volume would.
    fifo!.kill();
    await eventually(() => fifo!.exited, 5_000, 'the reader to exit');
    await ask('lost-0');
    await eventually(async () => (await readyz()).body.audit === 'failing', 5_000, 'the failure to be seen');
    expect((await readyz()).status).toBe(503);
    const refused = await ask('after-0');
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBeNull();
    expect(await codesOf(refused)).toEqual(['AUDIT_UNAVAILABLE']);
    const metrics = await (await fetch(`${gateway!.ops.url}/metrics`)).text();
    expect(metrics).toMatch(/^patient_gateway_audit_sink_up 0$/m);
  });
});
