import { readFileSync } from 'node:fs';
import { projectFile } from '../lib/paths.js';

/**
 * The subgraphs the supergraph is composed from. `patient-index` is served by the gateway itself; the
 * others are record domains, each served by many supplier processes (the supplier market). `defaultUrl`
 * is what composition writes into the supergraph; at run time the gateway routes each patient to their
 * own suppliers instead (see gateway/routing).
 */
export interface SubgraphDefinition {
  readonly name: string;
  readonly role: 'index' | 'domain';
  readonly description: string;
  readonly defaultUrl: string;
  /** Path of the subgraph's own SDL, relative to the project root. */
  readonly sdlFile: string;
}

export const PATIENT_INDEX = 'patient-index';

export const SUBGRAPHS: readonly SubgraphDefinition[] = [
  {
    name: PATIENT_INDEX,
    role: 'index',
    description: 'Patient index served in-process by the gateway',
    defaultUrl: 'http://127.0.0.1:4000/patient-index',
    sdlFile: 'gateway/patient-index/schema.graphql',
  },
  {
    name: 'gp',
    role: 'domain',
    description: 'The GP record domain, served by every GP clinical system',
    defaultUrl: 'http://127.0.0.1:4001/graphql',
    sdlFile: 'schema/domains/gp.graphql',
  },
  {
    name: 'hospital',
    role: 'domain',
    description: "The hospital record domain, served by every trust's electronic patient record",
    defaultUrl: 'http://127.0.0.1:4011/graphql',
    sdlFile: 'schema/domains/hospital.graphql',
  },
];

/** The record domains: subgraphs of the supergraph, each served by many suppliers. */
export const DOMAIN_NAMES: readonly string[] = SUBGRAPHS.filter((s) => s.role === 'domain').map(
  (s) => s.name,
);

/** The shared types every subgraph includes (scalars, Coding, Organisation). */
export const CONTRACT_SDL = readFileSync(projectFile('schema/contract.graphql'), 'utf8');

/** A subgraph's own definitions, as committed (a record domain's contract without the shared types). */
export function ownSdl(name: string): string {
  const definition = SUBGRAPHS.find((s) => s.name === name);
  if (!definition) throw new RangeError(`unknown subgraph "${name}"`);
  return readFileSync(projectFile(definition.sdlFile), 'utf8');
}

/** Full SDL from a subgraph's own definitions: the contract's shared types come first. */
export const withContract = (own: string): string => `${CONTRACT_SDL}\n${own}`;

/** A subgraph's full SDL: the contract's shared types followed by its own definitions. */
export function subgraphSdl(name: string): string {
  return withContract(ownSdl(name));
}

export const SUPERGRAPH_FILE = projectFile('schema/supergraph.graphql');
