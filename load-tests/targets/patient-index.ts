/**
 * The gateway's patient index served over HTTP as a subgraph of its own. Only the benchmark uses it: the
 * peer gateways cannot host it in-process, so they reach it like any other subgraph.
 */
import { AvailabilityRecorder } from '../../gateway/availability/index.js';
import type { GatewayContext } from '../../gateway/context.js';
import { buildPatientIndexSchema, populationSource } from '../../gateway/patient-index/index.js';
import { announceListening } from '../../lib/launch.js';
import { createLogger } from '../../lib/logger.js';
import { emptyStats, startSubgraphServer } from '../../subgraphs/server/http.js';
import { generatePopulation } from '../../subgraphs/synthetic/index.js';

const port = Number(process.env.INDEX_PORT ?? 0);
const schema = buildPatientIndexSchema({ source: populationSource(generatePopulation()) });
const running = await startSubgraphServer<GatewayContext>({
  name: 'patient-index',
  schema,
  host: '127.0.0.1',
  port,
  faultsEnabled: false,
  logger: createLogger('patient-index'),
  stats: emptyStats(),
  verify: undefined,
  createContext: () => ({
    requestId: 'bench',
    identity: { userId: 'benchmark', role: 'R8000', org: 'BENCH', source: 'development' },
    lookups: [],
    availability: new AvailabilityRecorder(),
    patients: new Map(),
  }),
});
announceListening({ service: 'patient-index', url: running.url });
process.once('SIGTERM', () => void running.close().then(() => process.exit(0)));
