import { readFileSync } from 'node:fs';
import { projectFile } from '../lib/paths.js';

/**
 * The subgraphs the supergraph is composed from. `patient-index` is served by the gateway itself; the
 * others are supplier processes. `defaultUrl` is what composition writes into the supergraph; at run time
 * the gateway takes each supplier's URL from its environment instead (see gateway/config).
 */
export interface SubgraphDefinition {
  readonly name: string;
  readonly role: 'index' | 'supplier';
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
    role: 'supplier',
    description: 'GP record supplier',
    defaultUrl: 'http://127.0.0.1:4001/graphql',
    sdlFile: 'subgraphs/gp/schema.graphql',
  },
  {
    name: 'hospital',
    role: 'supplier',
    description: 'Hospital record supplier',
    defaultUrl: 'http://127.0.0.1:4002/graphql',
    sdlFile: 'subgraphs/hospital/schema.graphql',
  },
];

export const SUPPLIER_NAMES: readonly string[] = SUBGRAPHS.filter((s) => s.role === 'supplier').map(
  (s) => s.name,
);

/** The shared types every subgraph includes (scalars, Coding, Organisation). */
export const CONTRACT_SDL = readFileSync(projectFile('schema/contract.graphql'), 'utf8');

/** A subgraph's full SDL: the contract's shared types followed by its own definitions. */
export function subgraphSdl(name: string): string {
  const definition = SUBGRAPHS.find((s) => s.name === name);
  if (!definition) throw new RangeError(`unknown subgraph "${name}"`);
  return `${CONTRACT_SDL}\n${readFileSync(projectFile(definition.sdlFile), 'utf8')}`;
}

export const SUPERGRAPH_FILE = projectFile('schema/supergraph.graphql');
