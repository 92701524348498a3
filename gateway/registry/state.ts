import {
  entryKey,
  type Approval,
  type Entry,
  type EntryAction,
  type EntryKey,
  type EntrySpec,
  type GateResult,
  type RegistryState,
} from './entries.js';
import { RegistryError } from './errors.js';

/** Who did something to the registry, why, and when (ISO). */
export interface RegistryActor {
  readonly by: string;
  readonly reason: string;
  readonly at: string;
}

/**
 * The registry's state changes, as pure functions: each returns the next state (revision + 1) or throws a
 * RegistryError, and never touches its input. Stores and routes call these and nothing else changes state.
 */
function withEntry(
  state: RegistryState,
  entry: Entry,
  action: EntryAction,
  version: number,
  actor: RegistryActor,
): RegistryState {
  const revision = state.revision + 1;
  const event = { action, version, active: entry.active, ...actor, revision };
  return {
    ...state,
    revision,
    entries: { ...state.entries, [entry.key]: { ...entry, events: [...entry.events, event] } },
  };
}

export function entryOf(state: RegistryState, key: EntryKey): Entry {
  const entry = state.entries[key];
  if (!entry) throw new RegistryError('UNKNOWN_ENTRY', `no registry entry ${key}`);
  return entry;
}

/**
 * A new version of an entry (the entry is created by its first). It goes into service at once unless an
 * operator must approve it first.
 */
export function publish(
  state: RegistryState,
  spec: EntrySpec,
  gates: readonly GateResult[],
  actor: RegistryActor,
  approvalRequired: boolean,
): { state: RegistryState; version: number } {
  const key = entryKey(spec);
  const entry: Entry = state.entries[key] ?? { key, versions: [], active: 0, events: [] };
  const version = entry.versions.length + 1;
  const approval: Approval = approvalRequired ? { state: 'pending' } : { state: 'not-required' };
  const next: Entry = {
    ...entry,
    versions: [...entry.versions, { version, spec, ...actor, gates, approval }],
    active: approvalRequired ? entry.active : version,
  };
  return { state: withEntry(state, next, 'publish', version, actor), version };
}

/** An operator's decision on a version waiting for approval; approving puts it in service. */
export function decide(
  state: RegistryState,
  key: EntryKey,
  version: number,
  decision: 'approve' | 'reject',
  actor: RegistryActor,
  gates?: readonly GateResult[],
): RegistryState {
  const entry = entryOf(state, key);
  const target = entry.versions.find((v) => v.version === version);
  if (!target) throw new RegistryError('UNKNOWN_VERSION', `${key} has no version ${version}`);
  if (target.approval.state !== 'pending') {
    throw new RegistryError(
      'NOT_PENDING',
      `${key} version ${version} is not waiting for approval (${target.approval.state})`,
    );
  }
  const approval: Approval = { state: decision === 'approve' ? 'approved' : 'rejected', ...actor };
  const next: Entry = {
    ...entry,
    versions: entry.versions.map((v) =>
      v.version === version ? { ...v, approval, ...(gates ? { gates } : {}) } : v,
    ),
    active: decision === 'approve' ? version : entry.active,
  };
  return withEntry(state, next, decision, version, actor);
}

/** The version in service before the current one (0 when there was none): a rollback's default target. */
export function previousActive(entry: Entry): number {
  for (let i = entry.events.length - 1; i >= 0; i--) {
    if (entry.events[i]!.active !== entry.active) return entry.events[i]!.active;
  }
  return 0;
}

/**
 * Puts an earlier version back in service (0: the configured definition, or none). Only versions that were
 * allowed into service can come back: a rejected or pending version cannot be rolled back to.
 */
export function rollback(
  state: RegistryState,
  key: EntryKey,
  to: number,
  actor: RegistryActor,
): RegistryState {
  const entry = entryOf(state, key);
  if (to === entry.active) {
    throw new RegistryError('NOT_A_ROLLBACK_TARGET', `${key} version ${to} is already in service`);
  }
  if (to !== 0) {
    const target = entry.versions.find((v) => v.version === to);
    if (!target) throw new RegistryError('UNKNOWN_VERSION', `${key} has no version ${to}`);
    if (target.approval.state === 'pending' || target.approval.state === 'rejected') {
      throw new RegistryError(
        'NOT_A_ROLLBACK_TARGET',
        `${key} version ${to} was never in service (${target.approval.state})`,
      );
    }
  }
  return withEntry(state, { ...entry, active: to }, 'rollback', to, actor);
}

/** Records a supplier's credential digest, replacing any earlier one (which stops working at once). */
export function withCredential(
  state: RegistryState,
  supplier: string,
  sha256: string,
  actor: RegistryActor,
): RegistryState {
  return {
    ...state,
    revision: state.revision + 1,
    credentials: { ...state.credentials, [supplier]: { sha256, issuedBy: actor.by, at: actor.at } },
  };
}

/** Removes a supplier's credential: it stops working at once. */
export function withoutCredential(state: RegistryState, supplier: string): RegistryState {
  if (!state.credentials[supplier]) {
    throw new RegistryError('UNKNOWN_ENTRY', `${supplier} holds no registry credential`);
  }
  const { [supplier]: _revoked, ...credentials } = state.credentials;
  return { ...state, revision: state.revision + 1, credentials };
}
