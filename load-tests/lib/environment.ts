import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch, type Launched } from '../../lib/launch.js';
import {
  startPrivateRedis,
  startSupplier,
  type PrivateRedis,
  type TestSupplier,
} from '../../lib/testbed/index.js';
import { compose, SUBGRAPHS, subgraphSdl } from '../../schema/index.js';
import { REFERENCE_MARKET } from '../../subgraphs/synthetic/index.js';

/**
 * Everything the targets share for a whole run: the two supplier processes (fault injection on), a private
 * Redis for this gateway, the patient index as a standalone subgraph for the peers, and a supergraph
 * composed with this run's URLs. Everything listens on 127.0.0.1 only.
 */
export interface BenchEnvironment {
  readonly gp: TestSupplier;
  readonly hospital: TestSupplier;
  readonly redis: PrivateRedis;
  readonly index: Launched;
  readonly supergraphFile: string;
  readonly urls: Readonly<Record<string, string>>;
  /** The reference market, one process per supplier, started the first time a target asks for it. */
  market(): Promise<ReadonlyMap<string, TestSupplier>>;
  stop(): Promise<void>;
}

/** Refuses any URL that is not on the loopback interface: the benchmark never sends load elsewhere. */
export function assertLoopback(url: string): string {
  const host = new URL(url).hostname;
  if (!/^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/.test(host))
    throw new Error(`refusing to load-test ${url}: not loopback`);
  return url;
}

/**
 * How benchmark suppliers run: with fault injection, which production refuses, and without checking the
 * gateway's assertions: the peer gateways cannot sign them. This gateway still signs every call, so its own
 * cost is measured in full; the suppliers' verification cost falls on no target.
 */
export const BENCH_SUPPLIER_ENV: Readonly<Record<string, string>> = {
  LOG_LEVEL: 'warn',
  NODE_ENV: 'test',
  SUPPLIER_VERIFY_ASSERTIONS: 'off',
};

export async function startEnvironment(): Promise<BenchEnvironment> {
  const quiet = { LOG_LEVEL: 'warn', NODE_ENV: 'production' };
  const supplierEnv = { ...BENCH_SUPPLIER_ENV };
  const [gp, hospital, redis, index] = await Promise.all([
    startSupplier('gp', supplierEnv),
    startSupplier('hospital', supplierEnv),
    startPrivateRedis(),
    launch({ entry: 'load-tests/targets/patient-index.ts', env: quiet, output: 'ignore' }),
  ]);
  const urls = { 'patient-index': index.ready.url, gp: gp.url, hospital: hospital.url };
  Object.values(urls).forEach(assertLoopback);
  const composed = compose(
    SUBGRAPHS.map((s) => ({
      name: s.name,
      url: urls[s.name as keyof typeof urls],
      sdl: subgraphSdl(s.name),
    })),
  );
  if (!composed.ok) throw new Error(`composition failed: ${composed.errors.join('; ')}`);
  const supergraphFile = join(mkdtempSync(join(tmpdir(), 'prag-bench-')), 'supergraph.graphql');
  writeFileSync(supergraphFile, composed.supergraphSdl);
  let market: Promise<ReadonlyMap<string, TestSupplier>> | undefined;
  return {
    gp,
    hospital,
    redis,
    index,
    supergraphFile,
    urls,
    market: () =>
      (market ??= Promise.all(REFERENCE_MARKET.map((s) => startSupplier(s.name, supplierEnv))).then(
        (started) => new Map(started.map((s) => [s.name, s])),
      )),
    stop: async () => {
      const suppliers = market ? [...(await market).values()] : [];
      await Promise.all([
        gp.stop(),
        hospital.stop(),
        redis.stop(),
        index.stop(),
        ...suppliers.map((s) => s.stop()),
      ]);
    },
  };
}
