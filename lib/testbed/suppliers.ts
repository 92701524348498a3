import { launch, type Launched } from '../launch.js';
import type { FaultSettings } from '../../subgraphs/server/faults.js';
import type { SubgraphStats } from '../../subgraphs/server/http.js';
import { PRACTICES, REFERENCE_MARKET, TRUSTS, type SupplierKind } from '../../subgraphs/synthetic/index.js';
import { testJwks } from './assertion-keys.js';
import { freePort } from './redis.js';

/** A real supplier subgraph process with fault injection on, started for a test or a benchmark. */
export interface TestSupplier {
  readonly name: string;
  readonly kind: SupplierKind;
  readonly domain: 'gp' | 'hospital';
  /** ODS codes of the organisations whose records it holds. */
  readonly organisations: readonly string[];
  /**
   * The organisations the market says it serves (by default those it holds). A supplier can hold a
   * practice's records before serving it: data loaded ahead of a migration's cut-over.
   */
  readonly serves: readonly string[];
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  faults(settings: Partial<FaultSettings>): Promise<void>;
  stats(): Promise<SubgraphStats>;
  /** Everything the process wrote to stdout and stderr, when started with `captureOutput`. */
  output(): string;
  /** Stops the process abruptly (SIGKILL), as a crashed or unplugged supplier. */
  kill(): Promise<void>;
  /** Starts the supplier again on the same port. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * What a name starts: a supplier of the reference market (`gp-aurora`, `hospital-leeds`,
 * `summary-record`, ...), or one of two all-in-one suppliers that hold a whole domain for tests that are
 * not about the market: `gp` (every practice) and `hospital` (every trust).
 */
function preset(
  name: string,
  env: Record<string, string>,
): {
  kind: SupplierKind;
  domain: 'gp' | 'hospital';
  organisations: readonly string[];
} {
  if (name === 'gp')
    return { kind: 'gp-system', domain: 'gp', organisations: PRACTICES.map((p) => p.odsCode) };
  if (name === 'hospital')
    return { kind: 'trust-epr', domain: 'hospital', organisations: TRUSTS.map((t) => t.odsCode) };
  const known = REFERENCE_MARKET.find((s) => s.name === name);
  // A supplier new to the market (one that registers at run time) says what it is in its environment.
  const kind = env.SUPPLIER_KIND as SupplierKind | undefined;
  if (!known && kind) {
    const organisations = env.SUPPLIER_ORGANISATIONS?.split(',') ?? [];
    return { kind, domain: kind === 'trust-epr' ? 'hospital' : 'gp', organisations };
  }
  if (!known) throw new RangeError(`no reference supplier named "${name}"`);
  return known;
}

export async function startSupplier(
  name: string,
  env: Record<string, string> = {},
  options: { captureOutput?: boolean; serves?: readonly string[] } = {},
): Promise<TestSupplier> {
  const captured: string[] = [];
  const { kind, domain, organisations } = preset(name, env);
  const held = env.SUPPLIER_ORGANISATIONS?.split(',') ?? organisations;
  // Suppliers verify the gateway's assertions with the test key set unless told otherwise.
  const jwks = await testJwks();
  const start = async (port: number) => {
    const launched = await launch({
      entry: 'subgraphs/main.ts',
      output: options.captureOutput ? 'pipe' : 'ignore',
      env: {
        LOG_LEVEL: 'silent',
        NODE_ENV: 'test',
        SUPPLIER_FAULTS: 'on',
        GATEWAY_JWKS: jwks,
        SUPPLIER_NAME: name,
        SUPPLIER_KIND: kind,
        SUPPLIER_ORGANISATIONS: organisations.join(','),
        SUPPLIER_PORT: String(port),
        ...env,
      },
    });
    for (const stream of [launched.child.stdout, launched.child.stderr]) {
      stream?.on('data', (chunk: Buffer) => captured.push(chunk.toString()));
    }
    return launched;
  };
  /** Its first start, on a port of its own choosing (another test may take a port between check and bind). */
  const first = async (): Promise<Launched> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await start(await freePort());
      } catch (error) {
        if (attempt === 3) throw error;
      }
    }
  };
  let running: Launched | undefined = await first();
  const url = running.ready.url;
  const port = Number(new URL(url).port);
  const admin = (path: string) => url.replace('/graphql', path);
  const supplier: TestSupplier = {
    name,
    kind,
    domain,
    organisations: held,
    serves: options.serves ?? held,
    url,
    port,
    get pid() {
      return running?.pid ?? -1;
    },
    async faults(settings) {
      const response = await fetch(admin('/__faults'), { method: 'PUT', body: JSON.stringify(settings) });
      if (!response.ok) throw new Error(`fault settings refused: ${await response.text()}`);
    },
    output: () => captured.join(''),
    async stats() {
      return (await (await fetch(admin('/__stats'))).json()) as SubgraphStats;
    },
    async kill() {
      await running?.stop('SIGKILL');
      running = undefined;
    },
    async restart() {
      await running?.stop();
      running = await start(port);
    },
    async stop() {
      await running?.stop();
      running = undefined;
    },
  };
  return supplier;
}
