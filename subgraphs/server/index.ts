/**
 * Everything a reference supplier process needs: settings, schema building, the HTTP server with fault
 * injection, and the batched record lookup. Each supplier folder (gp, hospital) only adds its resolvers.
 */
import { GraphQLError } from 'graphql';
import { announceListening } from '../../lib/launch.js';
import { createLogger } from '../../lib/logger.js';
import { buildSubgraph } from '../../schema/index.js';
import { parseNhsNumber } from '../../schema/nhs-number.js';
import { DEFAULT_POPULATION, generatePopulation, type SyntheticPatient } from '../synthetic/index.js';
import { assertionVerifier } from './assertion.js';
import { startSubgraphServer, type RunningSubgraph, type SubgraphStats } from './http.js';
import { inMemoryBackend, recordLoader } from './lookup.js';
import type { SupplierSettings } from './settings.js';

export { supplierSettings, supplierVariables, type SupplierSettings } from './settings.js';
export type { RunningSubgraph } from './http.js';

export interface SupplierContext<TRecord> {
  /** Resolves one patient's record, batched with every other reference in the same request. */
  record(nhsNumber: string): Promise<TRecord | undefined>;
}

export interface SupplierDefinition<TRecord> {
  readonly name: string;
  /** This supplier's part of a synthetic patient, or null when the supplier holds no record for them. */
  readonly recordOf: (patient: SyntheticPatient) => TRecord | null;
  readonly resolvers: (lookup: ReferenceLookup<TRecord>) => Record<string, unknown>;
}

export type ReferenceLookup<TRecord> = (
  reference: { nhsNumber?: unknown },
  context: SupplierContext<TRecord>,
) => Promise<TRecord>;

/**
 * The `__resolveReference` every supplier shares: validates the key, loads the record through the batch
 * loader, and answers NO_RECORD_FOUND (a client-side answer, not a supplier failure) when there is none.
 */
function referenceLookup<TRecord>(supplier: string): ReferenceLookup<TRecord> {
  return async (reference, context) => {
    const parsed = typeof reference.nhsNumber === 'string' ? parseNhsNumber(reference.nhsNumber) : undefined;
    if (!parsed?.ok) {
      throw new GraphQLError('invalid NHS number in reference', {
        extensions: { code: 'INVALID_NHS_NUMBER' },
      });
    }
    const record = await context.record(parsed.nhsNumber);
    if (record === undefined) {
      throw new GraphQLError(`${supplier} holds no record for this patient`, {
        extensions: { code: 'NO_RECORD_FOUND' },
      });
    }
    return record;
  };
}

export async function startSupplier<TRecord>(
  definition: SupplierDefinition<TRecord>,
  settings: SupplierSettings,
): Promise<RunningSubgraph> {
  const logger = createLogger(definition.name);
  const population = generatePopulation({
    seed: settings.seed,
    size: settings.patients,
    referenceDate: DEFAULT_POPULATION.referenceDate,
  });
  const records = new Map<string, TRecord>();
  for (const patient of population.patients) {
    const record = definition.recordOf(patient);
    if (record !== null) records.set(patient.demographics.nhsNumber, record);
  }
  const numbers = population.patients.map((p) => p.demographics.nhsNumber);
  const neighbour = (n: string) => numbers[(numbers.indexOf(n) + 1) % numbers.length]!;
  const stats: SubgraphStats = { requests: 0, refused: 0, hanging: 0, backendLookups: 0, recordsLooked: 0 };
  const backend = inMemoryBackend({ records, latencyMs: settings.latencyMs, stats });
  return startSubgraphServer<SupplierContext<TRecord>>({
    name: definition.name,
    schema: buildSubgraph(definition.name, definition.resolvers(referenceLookup<TRecord>(definition.name))),
    host: settings.host,
    port: settings.port,
    faultsEnabled: settings.faults,
    verify: settings.assertions && assertionVerifier({ ...settings.assertions, audience: definition.name }),
    logger,
    stats,
    createContext: (faults) => {
      const loader = recordLoader(backend, faults, neighbour);
      return { record: (n) => loader.load(n) };
    },
  });
}

/** Runs a supplier as its own process until SIGINT/SIGTERM. */
export function runSupplierProcess<TRecord>(
  definition: SupplierDefinition<TRecord>,
  settings: () => SupplierSettings,
): void {
  let running: RunningSubgraph | undefined;
  const stop = () => void (running?.close() ?? Promise.resolve()).then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  startSupplier(definition, settings()).then(
    (r) => {
      running = r;
      announceListening({ service: definition.name, url: r.url });
    },
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
