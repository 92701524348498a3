import { mkdtempSync, readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../gateway/app.js';
import {
  eventually,
  redisUp,
  startProcesses,
  startTestGateway,
  type TestProcesses,
} from '../helpers/gateway.js';
import { availabilityOf, nextPatient, record } from '../helpers/scenario.js';

/**
 * The graceful stop (SIGTERM in production, `drain()` here): readiness fails at once, requests in flight
 * finish with their full answer, new connections are refused, and what those requests wrote (cache copies,
 * audit records) is on disk and in Redis before the gateway says it has stopped.
 */
describe('graceful drain', () => {
  let processes: TestProcesses;
  let inspect: Redis;
  beforeAll(async () => {
    processes = await startProcesses();
    inspect = new Redis(processes.redis.url);
  });
  afterAll(async () => {
    inspect?.disconnect();
    await processes?.stop();
  });

  const start = async () => {
    const auditLog = join(mkdtempSync(join(tmpdir(), 'prag-drain-')), 'audit.log');
    const gateway = await startTestGateway(
      { gp: processes.gp, hospital: processes.hospital },
      { REDIS_URL: processes.redis.url, BREAKER_TIMEOUT_MS: '10000', AUDIT_LOG: auditLog },
    );
    await eventually(() => redisUp(gateway), 5_000, 'redis');
    return { gateway, auditLog };
  };
  const readyz = async (gateway: RunningGateway) => (await fetch(`${gateway.ops.url}/readyz`)).status;
  const accessLines = (file: string) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.includes('"type":"record-access"')).length;

  it('fails readiness at once, finishes the request in flight, refuses new connections, and flushes before it resolves', async () => {
    const { gateway, auditLog } = await start();
    await processes.gp.faults({ mode: 'slow', latencyMs: 3_000 });
    try {
      const before = (await processes.gp.stats()).requests;
      const copiesBefore = new Set(await inspect.keys('prag:v1:gp:*'));
      let answered = false;
      const inFlight = record(gateway, nextPatient()).finally(() => (answered = true));
      await eventually(async () => (await processes.gp.stats()).requests > before, 5_000, 'the GP call');
      const drained = gateway.drain({ graceMs: 0, timeoutMs: 10_000 });
      // The premise: the request is still in flight when the drain begins (else this tests nothing).
      expect(answered, 'the request was still in flight when the drain began').toBe(false);
      expect(await readyz(gateway)).toBe(503);
      await expect(fetch(gateway.url, { method: 'POST' })).rejects.toThrow();
      const answer = await inFlight;
      expect(answer.status).toBe(200);
      expect(availabilityOf(answer).gp?.status).toBe('LIVE');
      expect(await drained).toBe(0);
      // Flushed before drain() resolved: the audit record on disk and the GP copy in Redis.
      expect(accessLines(auditLog)).toBe(1);
      const copies = await inspect.keys('prag:v1:gp:*');
      expect(copies.filter((k) => !copiesBefore.has(k))).toHaveLength(1);
    } finally {
      await processes.gp.faults({ mode: 'none' });
    }
  });

  it('keeps answering during the grace period while readiness already fails, closing each connection after its answer', async () => {
    const { gateway } = await start();
    const drained = gateway.drain({ graceMs: 4_000, timeoutMs: 1_000 }); // room for a slow machine's requests
    expect(await readyz(gateway)).toBe(503);
    const answer = await record(gateway, nextPatient());
    expect(answer.status).toBe(200);
    expect(availabilityOf(answer).gp?.status).toBe('LIVE');
    // A keep-alive client is told to reconnect (elsewhere) rather than find its connection gone later.
    const connection = await new Promise<string | undefined>((resolve, reject) => {
      const agent = new Agent({ keepAlive: true });
      const req = request(gateway.url, {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json' },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.headers.connection);
        agent.destroy();
      });
      req.on('error', reject);
      req.end(JSON.stringify({ query: '{ __typename }' }));
    });
    expect(connection).toBe('close');
    expect(await drained).toBe(0);
  });

  it('cuts a request still running at the drain timeout, and says how many it cut', async () => {
    const { gateway } = await start();
    await processes.gp.faults({ mode: 'hang' });
    try {
      const before = (await processes.gp.stats()).requests;
      const inFlight = record(gateway, nextPatient()).then(
        () => 'answered',
        () => 'cut',
      );
      await eventually(async () => (await processes.gp.stats()).requests > before, 5_000, 'the GP call');
      expect(await gateway.drain({ graceMs: 0, timeoutMs: 200 })).toBe(1);
      expect(await inFlight).toBe('cut');
    } finally {
      await processes.gp.faults({ mode: 'none' });
    }
  });
});
