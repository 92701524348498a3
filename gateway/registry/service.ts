import type { Logger } from '../../lib/logger.js';
import { servedBy } from './start.js';
import {
  entryKey,
  versionState,
  type Entry,
  type EntryKey,
  type EntrySpec,
  type GateResult,
  type RegistryState,
} from './entries.js';
import { callerName, operatorOnly, RegistryCredentials, type RegistryCaller } from './credentials.js';
import { gateRefusal, RegistryError } from './errors.js';

export type { RegistryCaller } from './credentials.js';
import { runGates, type GateParts } from './gates/index.js';
import type { RegistryRuntime } from './runtime.js';
import * as registryState from './state.js';
import type { RegistryStore } from './store.js';

/** Whose publishes wait for an operator's approval before they go live (REGISTRY_APPROVAL). */
export type ApprovalPolicy = 'none' | 'suppliers' | 'all';

export interface RegistryServiceParts {
  readonly store: RegistryStore;
  readonly runtime: RegistryRuntime;
  readonly gates: GateParts;
  readonly approval: ApprovalPolicy;
  readonly audit: { write(record: object): void };
  readonly logger: Logger;
  readonly now: () => number;
}

/** Versions kept per entry: enough for years of releases, not for a flood. */
const MAX_VERSIONS = 200;

/**
 * The registry's use cases. Every change is checked against the state it was made from and committed
 * only if that state is still current (REGISTRY_CONFLICT otherwise); a refused request changes nothing.
 * A committed change is applied on this replica before the call returns, and on the others as they
 * hear of it. Every change is written to the audit trail with who made it, why, and the gate results.
 */
export class RegistryService {
  /** Suppliers with a check or publish running: each gate run calls out for seconds, so one at a time. */
  private readonly running = new Set<string>();

  /** Suppliers' registry credentials: issued and revoked by operators, kept as digests. */
  readonly credentials: RegistryCredentials;

  constructor(private readonly parts: RegistryServiceParts) {
    this.credentials = new RegistryCredentials(parts.store, parts.audit, parts.now);
  }

  get state(): RegistryState {
    return this.parts.store.state;
  }

  /** The dry run: every gate, nothing changed. */
  async check(spec: EntrySpec, caller: RegistryCaller) {
    this.mayTouch(caller, spec.kind, spec.name);
    const gates = await this.gated(caller, () => runGates(spec, this.state, this.parts.gates));
    const refusal = gateRefusal(gates);
    return {
      ok: refusal === undefined,
      ...(refusal ? { code: refusal.code, message: refusal.message } : {}),
      approvalRequired: this.approvalRequired(caller),
      gates,
    };
  }

  async publish(spec: EntrySpec, caller: RegistryCaller, reason: string) {
    this.mayTouch(caller, spec.kind, spec.name);
    const base = this.state;
    const existing = base.entries[entryKey(spec)];
    if (existing && existing.versions.length >= MAX_VERSIONS) {
      throw new RegistryError(
        'ENTRY_LIMIT_REACHED',
        `${existing.key} holds ${MAX_VERSIONS} versions already`,
      );
    }
    if (caller.kind === 'supplier' && existing?.versions.some((v) => v.approval.state === 'pending')) {
      throw new RegistryError(
        'ENTRY_LIMIT_REACHED',
        `${existing.key} has a version waiting for approval: an operator approves or rejects it first`,
      );
    }
    const gates = await this.gated(caller, () => runGates(spec, base, this.parts.gates));
    const refusal = gateRefusal(gates);
    if (refusal) throw refusal;
    const approvalRequired = this.approvalRequired(caller);
    const { state, version } = registryState.publish(
      base,
      spec,
      gates,
      this.actor(caller, reason),
      approvalRequired,
    );
    const applied = await this.commit(base, state);
    this.record('publish', caller, reason, entryKey(spec), version, gates);
    return {
      key: entryKey(spec),
      version,
      state: approvalRequired ? 'pending-approval' : 'active',
      ...applied,
      gates,
    };
  }

  /** Approving runs the gates again against the registry as it is now: much may have changed since. */
  async decide(
    key: EntryKey,
    version: number,
    decision: 'approve' | 'reject',
    caller: RegistryCaller,
    reason: string,
  ) {
    operatorOnly(caller, `${decision} a version`);
    const base = this.state;
    const entry = registryState.entryOf(base, key);
    const target = entry.versions.find((v) => v.version === version);
    let gates: GateResult[] | undefined;
    if (decision === 'approve' && target?.approval.state === 'pending') {
      gates = await runGates(target.spec, base, this.parts.gates);
      const refusal = gateRefusal(gates);
      if (refusal) throw refusal;
    }
    const next = registryState.decide(base, key, version, decision, this.actor(caller, reason), gates);
    const applied = await this.commit(base, next);
    this.record(decision, caller, reason, key, version, gates);
    return { ...this.view(registryState.entryOf(next, key)), ...applied };
  }

  /**
   * Puts an earlier version back (default: the one in service before the current one). The gates are not
   * run again, an emergency rollback must not wait on an endpoint, but the result must still compose
   * and leave a valid market (ROLLBACK_REFUSED otherwise).
   */
  async rollback(key: EntryKey, to: number | undefined, caller: RegistryCaller, reason: string) {
    this.mayTouch(caller, key.startsWith('domain/') ? 'domain' : 'supplier', key.slice(key.indexOf('/') + 1));
    const base = this.state;
    const entry = registryState.entryOf(base, key);
    const target = to ?? registryState.previousActive(entry);
    // A supplier goes back, never forward: a version an operator rolled away from stays out of service.
    if (caller.kind === 'supplier' && target >= entry.active) {
      throw new RegistryError(
        'NOT_A_ROLLBACK_TARGET',
        `a supplier rolls back to an earlier version than the one in service (v${entry.active}), not to v${target}`,
      );
    }
    const next = registryState.rollback(base, key, target, this.actor(caller, reason));
    const served = servedBy(this.parts.gates.bootstrap, next);
    if ('problem' in served) {
      throw new RegistryError(
        'ROLLBACK_REFUSED',
        `${key} version ${target} cannot go back into service: ${served.problem}`,
      );
    }
    const applied = await this.commit(base, next);
    this.record('rollback', caller, reason, key, target);
    return { ...this.view(registryState.entryOf(next, key)), ...applied };
  }

  /** Writes a refused request to the audit trail: who tried what, and the code it was refused with. */
  refused(caller: RegistryCaller, request: string, error: RegistryError): void {
    const gates = error.extra.gates?.map((g) => ({ gate: g.gate, status: g.status, code: g.code }));
    const record = {
      type: 'registry-refusal',
      at: this.iso(),
      by: callerName(caller),
      request,
      code: error.code,
      ...(gates ? { gates } : {}),
    };
    this.parts.audit.write(record);
    this.parts.logger.info({ registry: record }, `registry: ${request} refused (${error.code})`);
  }

  list(caller: RegistryCaller) {
    const entries = Object.values(this.state.entries)
      .filter((e) => caller.kind === 'operator' || e.key === `supplier/${caller.name}`)
      .map((e) => {
        const { versions, ...rest } = this.view(e);
        const latest = versions.at(-1);
        return {
          ...rest,
          latest: latest
            ? {
                version: latest.version,
                state: latest.state,
                at: latest.at,
                gates: latest.gates.map((g) => ({ gate: g.gate, status: g.status, code: g.code })),
              }
            : null,
        };
      });
    return { revision: this.state.revision, entries };
  }

  entry(key: EntryKey, caller: RegistryCaller) {
    this.mayTouch(caller, key.startsWith('domain/') ? 'domain' : 'supplier', key.slice(key.indexOf('/') + 1));
    return this.view(registryState.entryOf(this.state, key));
  }

  private view(entry: Entry) {
    return {
      key: entry.key,
      active: entry.active,
      versions: entry.versions.map((v) => ({ ...v, state: versionState(entry, v) })),
      events: entry.events,
    };
  }

  /**
   * Commits, then applies on this replica. The commit stands even if this replica cannot apply it (other
   * replicas may): the answer then says `applied: false` and why, as `/readyz` and the dashboard do.
   */
  private async commit(
    base: RegistryState,
    next: RegistryState,
  ): Promise<{ applied: true } | { applied: false; problem: string }> {
    await this.parts.store.commit(base, next);
    try {
      await this.parts.runtime.apply(next);
      return { applied: true };
    } catch (error) {
      return { applied: false, problem: this.parts.runtime.view().problem ?? (error as Error).message };
    }
  }

  private async gated<T>(caller: RegistryCaller, run: () => Promise<T>): Promise<T> {
    if (caller.kind !== 'supplier') return run();
    if (this.running.has(caller.name)) {
      throw new RegistryError('REGISTRY_BUSY', `a check or publish of ${caller.name} is already running`);
    }
    this.running.add(caller.name);
    try {
      return await run();
    } finally {
      this.running.delete(caller.name);
    }
  }

  private approvalRequired(caller: RegistryCaller): boolean {
    return (
      this.parts.approval === 'all' || (this.parts.approval === 'suppliers' && caller.kind === 'supplier')
    );
  }

  private mayTouch(caller: RegistryCaller, kind: 'supplier' | 'domain', name: string): void {
    if (caller.kind === 'operator') return;
    if (kind === 'domain')
      throw new RegistryError('OPERATOR_ONLY', 'domain entries are changed by operators only');
    if (name !== caller.name) {
      throw new RegistryError(
        'NOT_YOUR_ENTRY',
        `the credential of ${caller.name} cannot touch supplier/${name}`,
      );
    }
  }

  private actor(caller: RegistryCaller, reason: string) {
    return { by: callerName(caller), reason, at: this.iso() };
  }

  private iso(): string {
    return new Date(this.parts.now()).toISOString();
  }

  private record(
    action: string,
    caller: RegistryCaller,
    reason: string,
    key: EntryKey,
    version: number | undefined,
    gates?: readonly GateResult[],
  ): void {
    const record = {
      type: 'registry-change',
      at: this.iso(),
      action,
      by: callerName(caller),
      reason,
      entry: key,
      ...(version === undefined ? {} : { version }),
      revision: this.state.revision,
      ...(gates ? { gates: gates.map((g) => ({ gate: g.gate, status: g.status, code: g.code })) } : {}),
    };
    this.parts.audit.write(record);
    this.parts.logger.info({ registry: record }, `registry: ${action} ${key}`);
  }
}
