import { maskNhsNumber } from '../../schema/nhs-number.js';
import type { Supplier } from '../suppliers/index.js';
import type { ControlAction, ControlEvent, SupplierDecision } from './decisions.js';
import { OpsError } from './errors.js';
import type { OpsParts } from './parts.js';

export interface ControlResult {
  readonly event: ControlEvent;
  /** Whether the other replicas were told (false without Redis, or while it is down). */
  readonly replicated: boolean;
  readonly deleted?: number;
}

export interface Actor {
  readonly by: string;
  readonly reason: string;
}

/**
 * What operators can do to a supplier, and how each action reaches every replica. Inputs are validated by
 * the caller (routes.ts); everything here is logged as an audit record with who did it and why.
 */
export class SupplierControls {
  private readonly recentEvents: ControlEvent[] = [];
  private readonly listeners = new Set<(event: ControlEvent) => void>();

  constructor(private readonly deps: Omit<OpsParts, 'ready'>) {
    deps.decisions.onEvent((event, origin) => void this.applyElsewhere(event, origin));
  }

  supplier(name: string): Supplier | undefined {
    return this.deps.suppliers.find((s) => s.name === name);
  }

  /** Stops all traffic to the supplier; clinicians get its sections from cache, labelled STALE. */
  isolate(name: string, actor: Actor): Promise<ControlResult> {
    const isolation = { by: actor.by, reason: actor.reason, at: this.now() };
    return this.decide(name, 'isolate', actor, { ...this.deps.decisions.get(name), isolation });
  }

  restore(name: string, actor: Actor): Promise<ControlResult> {
    const { isolation: _, ...rest } = this.deps.decisions.get(name);
    return this.decide(name, 'restore', actor, rest);
  }

  /** Copies received at or after `since` are no longer served: they may be poisoned. */
  quarantine(name: string, since: string, actor: Actor): Promise<ControlResult> {
    const quarantine = { since, by: actor.by, reason: actor.reason, at: this.now() };
    return this.decide(name, 'quarantine', actor, { ...this.deps.decisions.get(name), quarantine });
  }

  liftQuarantine(name: string, actor: Actor): Promise<ControlResult> {
    const { quarantine: _, ...rest } = this.deps.decisions.get(name);
    return this.decide(name, 'lift_quarantine', actor, rest);
  }

  /** Closes the breaker afresh (an isolation stays until restored: reset does not override an operator). */
  async reset(name: string, actor: Actor): Promise<ControlResult> {
    const event = this.event('reset', actor, { supplier: name });
    this.resetLocally(name, event);
    return this.publish(event, await this.deps.decisions.announce(event));
  }

  /** Deletes cached copies of a supplier, of a patient, or of one patient from one supplier. */
  async purge(filter: { supplier?: string; nhsNumber?: string }, actor: Actor): Promise<ControlResult> {
    const patientTag =
      filter.nhsNumber === undefined ? undefined : this.deps.cache.entities.patientTag(filter.nhsNumber);
    const event = this.event('purge', actor, {
      ...(filter.supplier ? { supplier: filter.supplier } : {}),
      ...(patientTag ? { patientTag } : {}),
    });
    let deleted: number;
    try {
      deleted = await this.deps.cache.entities.purge({ ...filter });
    } catch (error) {
      // The in-process tier is purged first, so only the shared tier can be left holding copies.
      throw new OpsError(
        'PURGE_INCOMPLETE',
        `copies in this process were purged; Redis was not: ${(error as Error).message}`,
      );
    }
    return { ...this.publish(event, await this.deps.decisions.announce(event), filter.nhsNumber), deleted };
  }

  /** The last 100 control actions seen by this replica, newest first. */
  recent(): readonly ControlEvent[] {
    return [...this.recentEvents].reverse();
  }

  onEvent(listener: (event: ControlEvent) => void): void {
    this.listeners.add(listener);
  }

  private async decide(
    name: string,
    action: ControlAction,
    actor: Actor,
    decision: SupplierDecision,
  ): Promise<ControlResult> {
    const event = this.event(action, actor, { supplier: name, decision });
    this.applyDecision(name, decision, event);
    return this.publish(event, await this.deps.decisions.decide(name, decision, event));
  }

  private applyDecision(name: string, decision: SupplierDecision, event: ControlEvent): void {
    const breaker = this.supplier(name)?.breaker;
    if (!breaker) return;
    const cause = `${event.action} by ${event.by}: ${event.reason}`;
    if (decision.isolation && breaker.state !== 'ISOLATED') breaker.isolate(cause);
    if (!decision.isolation && breaker.state === 'ISOLATED') breaker.restore(cause);
  }

  private resetLocally(name: string, event: ControlEvent): void {
    const breaker = this.supplier(name)?.breaker;
    if (!breaker) return;
    breaker.reset(`reset by ${event.by}: ${event.reason}`);
    if (this.deps.decisions.get(name).isolation) breaker.isolate('isolation kept after reset');
  }

  /** Applies an action taken on another replica (or found in Redis) to this one. */
  private async applyElsewhere(event: ControlEvent, origin: 'remote' | 'sync'): Promise<void> {
    if (event.supplier && event.decision) this.applyDecision(event.supplier, event.decision, event);
    if (event.action === 'reset' && event.supplier) this.resetLocally(event.supplier, event);
    if (event.action === 'purge') {
      await this.deps.cache.entities
        .purge({
          ...(event.supplier ? { supplier: event.supplier } : {}),
          ...(event.patientTag ? { patientTag: event.patientTag } : {}),
        })
        .catch(() => undefined);
    }
    this.remember(event);
    this.deps.logger.info(
      { audit: 'ops-control', origin, ...event },
      `ops control from ${origin}: ${event.action} ${event.supplier ?? ''}`,
    );
  }

  private event(action: ControlAction, actor: Actor, extra: Partial<ControlEvent>): ControlEvent {
    return {
      replica: this.deps.replica,
      action,
      by: actor.by,
      reason: actor.reason,
      at: this.now(),
      ...extra,
    };
  }

  private publish(event: ControlEvent, replicated: boolean, nhsNumber?: string): ControlResult {
    this.remember(event);
    this.deps.metrics.controls.inc({ supplier: event.supplier ?? 'all', action: event.action });
    this.deps.logger.warn(
      {
        audit: 'ops-control',
        replicated,
        ...event,
        ...(nhsNumber ? { patient: maskNhsNumber(nhsNumber) } : {}),
      },
      `ops control: ${event.action} ${event.supplier ?? ''} by ${event.by}`,
    );
    return { event, replicated };
  }

  private remember(event: ControlEvent): void {
    this.recentEvents.push(event);
    if (this.recentEvents.length > 100) this.recentEvents.shift();
    for (const listener of this.listeners) listener(event);
  }

  private now(): string {
    return new Date(this.deps.clock.now()).toISOString();
  }
}
