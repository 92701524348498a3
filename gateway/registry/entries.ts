import { z } from 'zod';
import { ODS_CODE } from '../directory/index.js';

/**
 * What can be registered. A supplier entry puts one supplier in the market for an existing record domain;
 * a domain entry adds a record domain, or a new version of a domain's contract (its SDL). Entries are
 * versioned: every version is kept with who proposed it, why, when, and what its gates said.
 */
export interface SupplierEntrySpec {
  readonly kind: 'supplier';
  readonly name: string;
  readonly domain: string;
  /** The supplier's GraphQL endpoint for the domain's contract. */
  readonly url: string;
  /** ODS codes of the organisations it serves (a domain's fallback lists none). */
  readonly organisations: readonly string[];
  /** Organisations the directory does not know yet, with their names; their type is the domain's. */
  readonly newOrganisations: readonly { readonly odsCode: string; readonly name: string }[];
  /** Who to call about it: a service desk address or number. */
  readonly contact: string;
}

export interface DomainEntrySpec {
  readonly kind: 'domain';
  readonly name: string;
  /** The organisation type its suppliers serve (`practice`, `trust`, `pharmacy`). */
  readonly serves: string;
  /** A supplier of the domain asked when a patient's own supplier cannot answer. */
  readonly fallback?: string;
  /** The domain's contract: its own SDL, without the shared types of schema/contract.graphql. */
  readonly sdl: string;
}

export type EntrySpec = SupplierEntrySpec | DomainEntrySpec;
export type EntryKind = EntrySpec['kind'];

/** `supplier/gp-dogwood`, `domain/gp`. */
export type EntryKey = `${EntryKind}/${string}`;

export const entryKey = (spec: { kind: EntryKind; name: string }): EntryKey => `${spec.kind}/${spec.name}`;

export function parseEntryKey(key: string): { kind: EntryKind; name: string } | undefined {
  const match = /^(supplier|domain)\/([a-z][a-z0-9-]{1,62})$/.exec(key);
  return match ? { kind: match[1] as EntryKind, name: match[2]! } : undefined;
}

const NAME = z.string().regex(/^[a-z][a-z0-9-]{1,62}$/, 'must be lower-case letters, digits and dashes');
const MAX_SDL_BYTES = 200_000;

/** The shape of an entry as submitted; what it means (known domain, free organisations) is for the gates. */
export const entrySpecSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('supplier'),
    name: NAME,
    domain: NAME,
    url: z
      .string()
      .max(2_000)
      .refine((v) => URL.canParse(v) && /^https?:$/.test(new URL(v).protocol), 'must be an http(s) URL'),
    organisations: z
      .array(z.string().regex(ODS_CODE, 'must be an ODS code (3 to 10 capitals and digits)'))
      .max(5_000)
      .default([]),
    newOrganisations: z
      .array(
        z.object({
          odsCode: z.string().regex(ODS_CODE, 'must be an ODS code (3 to 10 capitals and digits)'),
          name: z.string().min(1).max(200),
        }),
      )
      .max(5_000)
      .default([]),
    contact: z.string().min(3).max(200),
  }),
  z.object({
    kind: z.literal('domain'),
    name: NAME,
    serves: z.string().regex(/^[a-z-]{2,32}$/, 'must be an organisation type such as practice or trust'),
    fallback: NAME.optional(),
    sdl: z
      .string()
      .min(1)
      .refine((v) => Buffer.byteLength(v) <= MAX_SDL_BYTES, `must be at most ${MAX_SDL_BYTES} bytes`),
  }),
]);

export type GateName = 'market' | 'contract' | 'composition' | 'breaking-changes' | 'health' | 'conformance';

/** One gate's verdict on a candidate. A gate that did not run (an earlier one refused) is `skipped`. */
export interface GateResult {
  readonly gate: GateName;
  readonly status: 'passed' | 'failed' | 'skipped';
  /** The documented refusal code when it failed (docs/registry.md). */
  readonly code?: string;
  readonly message: string;
  /** Machine-readable specifics: composition errors verbatim, the failing checks, breaking changes. */
  readonly details?: unknown;
  readonly durationMs: number;
}

/** Whether a version waits for, got, or did not need an operator's approval. */
export type Approval =
  | { readonly state: 'not-required' }
  | { readonly state: 'pending' }
  | { readonly state: 'approved'; readonly by: string; readonly reason: string; readonly at: string }
  | { readonly state: 'rejected'; readonly by: string; readonly reason: string; readonly at: string };

export interface EntryVersion {
  readonly version: number;
  readonly spec: EntrySpec;
  readonly by: string;
  readonly reason: string;
  readonly at: string;
  readonly gates: readonly GateResult[];
  readonly approval: Approval;
}

export type EntryAction = 'publish' | 'approve' | 'reject' | 'rollback';

/** Every change to an entry, in order: the history `npm run registry -- history` prints. */
export interface EntryEvent {
  readonly action: EntryAction;
  readonly version: number;
  /** The version in service after the change (0: as the gateway was configured, or absent). */
  readonly active: number;
  readonly by: string;
  readonly reason: string;
  readonly at: string;
  readonly revision: number;
}

export interface Entry {
  readonly key: EntryKey;
  readonly versions: readonly EntryVersion[];
  /** The version in service; 0 means the configured market's definition, or no entry at all. */
  readonly active: number;
  readonly events: readonly EntryEvent[];
}

/** A supplier's registry credential, kept as a digest (the token is shown once, when issued). */
export interface SupplierCredential {
  readonly sha256: string;
  readonly issuedBy: string;
  readonly at: string;
}

/**
 * Everything the registry holds. `revision` goes up by one with every change; a change is written only
 * if the revision it was made from is still current (so of two concurrent changes, one wins).
 */
export interface RegistryState {
  readonly revision: number;
  readonly entries: Readonly<Record<string, Entry>>;
  readonly credentials: Readonly<Record<string, SupplierCredential>>;
}

export const EMPTY_REGISTRY: RegistryState = { revision: 0, entries: {}, credentials: {} };

/** The spec in service for an entry, or undefined when it is at version 0. */
export function activeSpec(entry: Entry | undefined): EntrySpec | undefined {
  if (!entry || entry.active === 0) return undefined;
  return entry.versions.find((v) => v.version === entry.active)?.spec;
}

/** Where a version stands, derived in one place from the entry. */
export type VersionState = 'active' | 'pending-approval' | 'rejected' | 'inactive';

export function versionState(entry: Entry, version: EntryVersion): VersionState {
  if (entry.active === version.version) return 'active';
  if (version.approval.state === 'pending') return 'pending-approval';
  if (version.approval.state === 'rejected') return 'rejected';
  return 'inactive';
}
