import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import type { Clock } from '../../lib/clock.js';
import {
  auditPlugin,
  type AuditSink,
  type PatientLookup,
  type RecordAccess,
} from '../../gateway/audit/index.js';

const clock: Clock = { now: () => Date.UTC(2026, 10, 23, 1, 0), setTimeout: () => 0, clearTimeout: () => {} };

/** A sink that keeps each call's records together, so a test sees how they were handed over. */
function recordingSink() {
  const calls: (readonly object[])[] = [];
  const sink: AuditSink = {
    write: (...records) => void calls.push(records),
    healthy: true,
    backlogBytes: 0,
    behind: false,
    close: () => Promise.resolve(),
  };
  return { sink, calls };
}

async function respond(sink: AuditSink, lookups: PatientLookup[]) {
  const listener = await auditPlugin(sink, clock).requestDidStart!({} as never);
  const contextValue = {
    requestId: 'req-1',
    identity: { userId: 'u1', role: 'R8000', org: 'A81001', source: 'jwt' },
    lookups,
    availability: {
      forPatient: (n: string) => ({ 'gp-aurora': { status: n === '9000000009' ? 'LIVE' : 'STALE' } }),
    },
  };
  const document = parse('query Clinic { patients(nhsNumbers: []) { medications { name } } }');
  await listener!.willSendResponse!({ contextValue, document, operationName: 'Clinic' } as never);
}

describe('the audit plugin', () => {
  it("hands a request's records to the sink in one call: one per patient asked about, in order, repeats once", async () => {
    const { sink, calls } = recordingSink();
    await respond(sink, [
      { nhsNumber: '9000000009', outcome: 'found' },
      { nhsNumber: '9000000017', outcome: 'found' },
      { nhsNumber: '9000000009', outcome: 'found' },
      { nhsNumber: 'abc', outcome: 'invalid_nhs_number' },
    ]);
    expect(calls).toHaveLength(1);
    const records = calls[0] as RecordAccess[];
    expect(records.map((r) => [r.patient, r.outcome])).toEqual([
      ['9000000009', 'found'],
      ['9000000017', 'found'],
      ['abc', 'invalid_nhs_number'],
    ]);
    expect(records[1]).toMatchObject({
      type: 'record-access',
      at: '2026-11-23T01:00:00.000Z',
      requestId: 'req-1',
      operation: 'Clinic',
      requested: ['medications'],
      suppliers: { 'gp-aurora': { status: 'STALE' } },
    });
    expect(records[2]!.suppliers).toEqual({});
  });

  it('writes nothing for a request that looked up no patient', async () => {
    const { sink, calls } = recordingSink();
    await respond(sink, []);
    expect(calls).toEqual([]);
  });
});
