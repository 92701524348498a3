/**
 * Everything a reference supplier process needs: settings, schema building, the HTTP server with fault
 * injection, and the batched record lookup. Each kind of supplier (gp/, hospital/, summary/) only says
 * which records it holds and adds its resolvers; the same server runs any number of them, each with its
 * own name and organisations, as the supplier market does.
 */
import { GraphQLError } from 'graphql';
import { createLogger } from '../../lib/logger.js';
import { buildSubgraph } from '../../schema/index.js';
import { parseNhsNumber } from '../../schema/nhs-number.js';
import {
  CONFORMANCE_ORGANISATIONS,
  conformancePack,
  DEFAULT_POPULATION,
  generatePopulation,
  type SupplierKind,
  type SyntheticPatient,
} from '../synthetic/index.js';
import { assertionVerifier } from './assertion.js';
import { emptyStats, startSubgraphServer, type RunningSubgraph, type SubgraphStats } from './http.js';
import { inMemoryBackend, recordLoader } from './lookup.js';
import type { SupplierSettings } from './settings.js';

export { supplierSettings, supplierVariables, type SupplierSettings } from './settings.js';
export type { RunningSubgraph, SubgraphStats } from './http.js';

export interface SupplierContext<TRecord> {
  /** Resolves one patient's record, batched with every other reference in the same request. */
  record(nhsNumber: string): Promise<TRecord | undefined>;
}

export interface SupplierDefinition<TRecord> {
  readonly kind: SupplierKind;
  /** The record domain whose contract (schema/domains/) it serves. */
  readonly domain: 'gp' | 'hospital';
  /**
   * This supplier's part of a synthetic patient, given which organisations it serves; null when it holds
   * no record for them.
   */
  readonly recordOf: (patient: SyntheticPatient, serves: (odsCode: string) => boolean) => TRecord | null;
  /** The organisations a record belongs to (practices, trusts), for the per-organisation statistics. */
  readonly organisationsOf: (record: TRecord) => readonly string[];
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
  const logger = createLogger(settings.name);
  const population = generatePopulation({
    seed: settings.seed,
    size: settings.patients,
    referenceDate: DEFAULT_POPULATION.referenceDate,
  });
  // Every supplier's test environment also holds the conformance test pack, at its test organisations.
  const served = new Set([...settings.organisations, ...CONFORMANCE_ORGANISATIONS]);
  const serves = (odsCode: string) => served.has(odsCode);
  const records = new Map<string, TRecord>();
  const organisations = new Map<string, readonly string[]>();
  for (const patient of [...population.patients, ...conformancePack().patients]) {
    const record = definition.recordOf(patient, serves);
    if (record === null) continue;
    records.set(patient.demographics.nhsNumber, record);
    organisations.set(patient.demographics.nhsNumber, definition.organisationsOf(record));
  }
  const numbers = population.patients.map((p) => p.demographics.nhsNumber);
  const neighbour = (n: string) => numbers[(numbers.indexOf(n) + 1) % numbers.length]!;
  const stats: SubgraphStats = emptyStats();
  const backend = inMemoryBackend({ records, organisations, latencyMs: settings.latencyMs, stats });
  logger.info(
    {
      supplier: settings.name,
      kind: definition.kind,
      organisations: settings.organisations,
      records: records.size,
    },
    'records loaded',
  );
  return startSubgraphServer<SupplierContext<TRecord>>({
    name: settings.name,
    schema: buildSubgraph(
      definition.domain,
      definition.resolvers(referenceLookup<TRecord>(settings.name)),
      settings.sdl,
    ),
    host: settings.host,
    port: settings.port,
    faultsEnabled: settings.faults,
    verify: settings.assertions && assertionVerifier({ ...settings.assertions, audience: settings.name }),
    logger,
    stats,
    createContext: (faults) => {
      const loader = recordLoader(backend, faults, neighbour);
      return { record: (n) => loader.load(n) };
    },
  });
}

export type { SupplierKind };
