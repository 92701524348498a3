import { launch, type Launched } from '../launch.js';
import { testJwks } from './assertion-keys.js';
import type { FaultSettings } from '../../subgraphs/server/faults.js';
import type { SubgraphStats } from '../../subgraphs/server/http.js';

/** A real supplier subgraph process with fault injection on, started for a test. */
export interface TestSupplier {
  readonly name: 'gp' | 'hospital';
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  faults(settings: Partial<FaultSettings>): Promise<void>;
  /** Everything the process wrote to stdout and stderr, when started with `captureOutput`. */
  output(): string;
  stats(): Promise<SubgraphStats>;
  /** Stops the process abruptly (SIGKILL), as a crashed or unplugged supplier. */
  kill(): Promise<void>;
  /** Starts the supplier again on the same port. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

const ENTRY = { gp: 'subgraphs/gp/main.ts', hospital: 'subgraphs/hospital/main.ts' } as const;

export async function startSupplier(
  name: 'gp' | 'hospital',
  env: Record<string, string> = {},
  options: { captureOutput?: boolean } = {},
): Promise<TestSupplier> {
  const captured: string[] = [];
  const prefix = name.toUpperCase();
  // Suppliers verify the gateway's assertions with the test key set unless told otherwise.
  const jwks = await testJwks();
  const start = async (port: number) => {
    const launched = await launch({
      entry: ENTRY[name],
      output: options.captureOutput ? 'pipe' : 'ignore',
      env: {
        LOG_LEVEL: 'silent',
        NODE_ENV: 'test',
        SUPPLIER_FAULTS: 'on',
        GATEWAY_JWKS: jwks,
        [`${prefix}_PORT`]: String(port),
        ...env,
      },
    });
    for (const stream of [launched.child.stdout, launched.child.stderr]) {
      stream?.on('data', (chunk: Buffer) => captured.push(chunk.toString()));
    }
    return launched;
  };
  let running: Launched | undefined = await start(0);
  const url = running.ready.url;
  const port = Number(new URL(url).port);
  const admin = (path: string) => url.replace('/graphql', path);
  const supplier: TestSupplier = {
    name,
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
