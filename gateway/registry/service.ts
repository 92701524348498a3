import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
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
import { gateRefusal, RegistryError } from './errors.js';
import { runGates, type GateParts } from './gates/index.js';
import type { RegistryRuntime } from './runtime.js';
import * as registryState from './state.js';
import type { RegistryStore } from './store.js';

/** Who is asking: an operator (ops token) or a supplier (its registry credential). */
export type RegistryCaller =
  { readonly kind: 'operator'; readonly name: string } | { readonly kind: 'supplier'; readonly name: string };

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

const sha256 = (token: string) => createHash('sha256').update(token).digest('hex');
const callerName = (c: RegistryCaller) => `${c.kind}:${c.name}`;

/**
 * The registry's use cases. Every change is checked against the state it was made from and committed
 * only if that state is still current (REGISTRY_CONFLICT otherwise); a refused request changes nothing.
 * A committed change is applied on this replica before the call returns, and on the others as they
 * hear of it. Every change is written to the audit trail with who made it, why, and the gate results.
 */
export class RegistryService {
  constructor(private readonly parts: RegistryServiceParts) {}

  get state(): RegistryState {
    return this.parts.store.state;
  }

  /** The dry run: every gate, nothing changed. */
  async check(spec: EntrySpec, caller: RegistryCaller) {
    this.mayTouch(caller, spec.kind, spec.name);
    const gates = await runGates(spec, this.state, this.parts.gates);
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
    const gates = await runGates(spec, base, this.parts.gates);
    const refusal = gateRefusal(gates);
    if (refusal) {
      this.record('publish-refused', caller, reason, entryKey(spec), undefined, gates, refusal.code);
      throw refusal;
    }
    const approvalRequired = this.approvalRequired(caller);
    const { state, version } = registryState.publish(
      base,
      spec,
      gates,
      this.actor(caller, reason),
      approvalRequired,
    );
    await this.commit(base, state);
    this.record('publish', caller, reason, entryKey(spec), version, gates);
    return { key: entryKey(spec), version, state: approvalRequired ? 'pending-approval' : 'active', gates };
  }

  /** Approving runs the gates again against the registry as it is now: much may have changed since. */
  async decide(
    key: EntryKey,
    version: number,
    decision: 'approve' | 'reject',
    caller: RegistryCaller,
    reason: string,
  ) {
    this.operatorOnly(caller, `${decision} a version`);
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
    await this.commit(base, next);
    this.record(decision, caller, reason, key, version, gates);
    return this.view(registryState.entryOf(next, key));
  }

  /**
   * Puts an earlier version back (default: the one in service before the current one). The gates are not
   * run again, an emergency rollback must not wait on an endpoint, but the result must still compose
   * and leave a valid market (ROLLBACK_REFUSED otherwise).
   */
  async rollback(key: EntryKey, to: number | undefined, caller: RegistryCaller, reason: string) {
    this.mayTouch(caller, key.startsWith('domain/') ? 'domain' : 'supplier', key.slice(key.indexOf('/') + 1));
    const base = this.state;
    const target = to ?? registryState.previousActive(registryState.entryOf(base, key));
    const next = registryState.rollback(base, key, target, this.actor(caller, reason));
    const served = servedBy(this.parts.gates.bootstrap, next);
    if ('problem' in served) {
      throw new RegistryError(
        'ROLLBACK_REFUSED',
        `${key} version ${target} cannot go back into service: ${served.problem}`,
      );
    }
    await this.commit(base, next);
    this.record('rollback', caller, reason, key, target);
    return this.view(registryState.entryOf(next, key));
  }

  /** Issues a supplier's registry credential (replacing any earlier one): the token is shown only here. */
  async issueCredential(supplier: string, caller: RegistryCaller, reason: string) {
    this.operatorOnly(caller, 'issue credentials');
    if (!/^[a-z][a-z0-9-]{1,62}$/.test(supplier)) {
      throw new RegistryError('INVALID_ENTRY', `not a supplier name: ${JSON.stringify(supplier)}`);
    }
    const token = `prs_${randomBytes(24).toString('base64url')}`;
    const base = this.state;
    await this.commit(
      base,
      registryState.withCredential(base, supplier, sha256(token), this.actor(caller, reason)),
    );
    this.parts.audit.write({
      type: 'registry-credential',
      at: this.iso(),
      by: callerName(caller),
      supplier,
      reason,
    });
    return { supplier, token };
  }

  /** The supplier a registry credential belongs to, compared in constant time. */
  supplierFor(token: string): string | undefined {
    const presented = Buffer.from(sha256(token), 'hex');
    let found: string | undefined;
    for (const [supplier, credential] of Object.entries(this.state.credentials)) {
      if (timingSafeEqual(presented, Buffer.from(credential.sha256, 'hex')) && !found) found = supplier;
    }
    return found;
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

  private async commit(base: RegistryState, next: RegistryState): Promise<void> {
    await this.parts.store.commit(base, next);
    await this.parts.runtime.apply(next);
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

  private operatorOnly(caller: RegistryCaller, what: string): void {
    if (caller.kind !== 'operator') throw new RegistryError('OPERATOR_ONLY', `only operators ${what}`);
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
    refused?: string,
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
      ...(refused ? { refused } : {}),
      ...(gates ? { gates: gates.map((g) => ({ gate: g.gate, status: g.status, code: g.code })) } : {}),
    };
    this.parts.audit.write(record);
    this.parts.logger.info(
      { registry: record },
      `registry: ${action} ${key}${refused ? ` refused (${refused})` : ''}`,
    );
  }
}
