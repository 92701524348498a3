import { describe, expect, it } from 'vitest';
import { attributeProfile, OTHER_PART, type CpuProfileData } from '../../load-tests/lib/request-parts.js';

const dist = (path: string) => `file:///srv/gateway/dist/${path}`;
const modules = (path: string) => `file:///srv/gateway/node_modules/${path}`;

/**
 * A small profile shaped like the gateway's: the endpoint signing and writing its answer, the executor
 * calling a supplier data source that calls undici, a collection, idle time, and a bare Node frame.
 */
const frames: [id: number, parent: number | undefined, functionName: string, url: string][] = [
  [1, undefined, '(root)', ''],
  [2, 1, 'handle', dist('gateway/http/clinical-endpoint.js')],
  [3, 2, 'sign', dist('gateway/auth/assertions.js')],
  [4, 3, 'signOneShot', 'node:internal/crypto/sig'],
  [5, 2, 'end', 'node:_http_outgoing'],
  [6, 5, 'writev', ''],
  [7, 1, 'executeNode', modules('@apollo/gateway/dist/executeQueryPlan.js')],
  [8, 7, 'process', dist('gateway/routing/domain-data-source.js')],
  [9, 8, 'request', modules('undici/lib/api/api-request.js')],
  [10, 1, '(garbage collector)', ''],
  [11, 1, '(idle)', ''],
  [12, 1, 'processTicksAndRejections', 'node:internal/process/task_queues'],
  [13, 1, 'verify', dist('gateway/auth/authenticator.js')],
  [14, 13, 'get', modules('lru-cache/dist/esm/index.js')],
];

function profile(samples: [id: number, us: number][]): CpuProfileData {
  return {
    nodes: frames.map(([id, , functionName, url]) => ({
      id,
      callFrame: { functionName, url },
      children: frames.filter(([, parent]) => parent === id).map(([child]) => child),
    })),
    samples: samples.map(([id]) => id),
    timeDeltas: samples.map(([, us]) => us),
  };
}

const msOf = (result: ReturnType<typeof attributeProfile>, name: string) =>
  result.parts.find((p) => p.name === name)?.ms;

describe('request parts of a CPU profile', () => {
  it('gives each sample to the innermost frame that belongs to a part', () => {
    const result = attributeProfile(
      profile([
        [4, 3000], // OpenSSL under the assertion signer: signing, not the endpoint that called it
        [6, 2000], // the socket write of an answer: inbound HTTP
        [2, 500], // the endpoint's own code
        [9, 1500], // undici under a data source under the executor: undici's
        [8, 700], // the data source's own code
        [7, 300], // the executor's own code
        [13, 100], // clinician tokens: not the assertion signer, though both are gateway/auth
        [14, 50], // a shared library's time is its caller's (here the token cache's)
        [10, 400],
        [12, 200],
        [11, 5000],
      ]),
    );
    expect(msOf(result, 'signing supplier assertions')).toBe(3);
    expect(msOf(result, 'inbound HTTP (parse, body, respond)')).toBe(2.5);
    expect(msOf(result, 'supplier HTTP (undici)')).toBe(1.5);
    expect(msOf(result, 'supplier calls: breaker, timeout, routing, answer checks')).toBe(0.7);
    expect(msOf(result, 'Apollo executor and server, graphql-js')).toBe(0.3);
    expect(msOf(result, 'clinician authentication (JWT)')).toBe(0.15);
    expect(msOf(result, 'garbage collection')).toBe(0.4);
    expect(msOf(result, OTHER_PART)).toBe(0.2);
  });

  it('counts idle time apart, and shares of the busy time only', () => {
    const result = attributeProfile(
      profile([
        [4, 3000],
        [6, 1000],
        [11, 4000],
      ]),
    );
    expect(result.idleMs).toBe(4);
    expect(result.busyMs).toBe(4);
    expect(result.parts.map((p) => [p.name, p.share])).toEqual([
      ['signing supplier assertions', 0.75],
      ['inbound HTTP (parse, body, respond)', 0.25],
    ]);
  });
});
