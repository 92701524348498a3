import { maskNhsNumber } from '../../schema/nhs-number.js';
import type { Migration, SupplierDirectory } from '../directory/index.js';
import type { Supplier } from '../suppliers/index.js';
import type { ControlAction, ControlEvent, EventOrigin, MigrationDecision } from './decisions.js';
import type { OpsParts } from './parts.js';

export interface ControlResult {
  readonly event: ControlEvent;
  /** Whether the other replicas were told (false without Redis, or while it is down). */
  readonly replicated: boolean;
  /** For a purge: copies deleted here (in-process and Redis). */
  readonly deleted?: number;
  /** For a purge whose Redis deletion failed: why. The copies are still never served (see purge). */
  readonly incomplete?: string;
}

export interface Actor {
  readonly by: string;
  readonly reason: string;
}

type Target = Pick<ControlEvent, 'supplier' | 'patientTag' | 'since' | 'migration' | 'organisation'>;

/**
 * What operators can do to a supplier, and how each action reaches every replica. Inputs are validated by
 * the caller (routes.ts); every action is logged as an audit record with who took it and why.
 */
export class SupplierControls {
  private readonly recentEvents: ControlEvent[] = [];
  private readonly listeners = new Set<(event: ControlEvent) => void>();

  constructor(private readonly deps: Omit<OpsParts, 'ready'>) {
    deps.decisions.onEvent((event, origin) => void this.applyElsewhere(event, origin));
  }

  supplier(name: string): Supplier | undefined {
    return this.deps.suppliers.get(name);
  }

  get directory(): SupplierDirectory {
    return this.deps.directory;
  }

  /** Migrations scheduled or in effect, by organisation (shared between replicas). */
  get migrations(): ReadonlyMap<string, MigrationDecision> {
    return this.deps.decisions.migrations();
  }

  /** Stops all traffic to the supplier; clinicians get its sections from cache, labelled STALE. */
  isolate(name: string, actor: Actor): Promise<ControlResult> {
    return this.act('isolate', { supplier: name }, actor);
  }

  restore(name: string, actor: Actor): Promise<ControlResult> {
    return this.act('restore', { supplier: name }, actor);
  }

  /** Copies received at or after `since` are no longer served: they may be poisoned. */
  quarantine(name: string, since: string, actor: Actor): Promise<ControlResult> {
    return this.act('quarantine', { supplier: name, since }, actor);
  }

  liftQuarantine(name: string, actor: Actor): Promise<ControlResult> {
    return this.act('lift_quarantine', { supplier: name }, actor);
  }

  /** Starts the breaker afresh; an isolation stays in force until restored. */
  reset(name: string, actor: Actor): Promise<ControlResult> {
    return this.act('reset', { supplier: name }, actor);
  }

  /**
   * Purges cached copies of a supplier, of a patient, or both. The purge is first recorded as a cut-off
   * (copies received before now are never served again, on any replica, even one that misses the
   * deletion), then the copies are deleted here and in Redis.
   */
  async purge(filter: { supplier?: string; nhsNumber?: string }, actor: Actor): Promise<ControlResult> {
    const patientTag =
      filter.nhsNumber === undefined ? undefined : this.deps.cache.entities.patientTag(filter.nhsNumber);
    const target = {
      ...(filter.supplier ? { supplier: filter.supplier } : {}),
      ...(patientTag ? { patientTag } : {}),
    };
    const result = await this.act('purge', target, actor, filter.nhsNumber);
    try {
      return { ...result, deleted: await this.deps.cache.entities.purge(target) };
    } catch (error) {
      return {
        ...result,
        incomplete: `copies in this process were deleted; Redis was not (${(error as Error).message})`,
      };
    }
  }

  /**
   * Moves an organisation to another supplier of its domain at the cut-over (validated by the caller,
   * migrations.ts): from then, routing sends its patients to the new supplier on every replica.
   */
  migrate(migration: Migration, actor: Actor): Promise<ControlResult> {
    return this.act('migrate', { supplier: migration.to, migration }, actor);
  }

  /** Cancels a migration before its cut-over: the organisation stays with its supplier. */
  cancelMigration(migration: MigrationDecision, actor: Actor): Promise<ControlResult> {
    return this.act(
      'cancel_migration',
      { supplier: migration.to, organisation: migration.organisation },
      actor,
    );
  }

  /** Moves an organisation back, now, to the supplier it left at a migration's cut-over. */
  rollbackMigration(migration: MigrationDecision, actor: Actor): Promise<ControlResult> {
    const back: Migration = {
      organisation: migration.organisation,
      domain: migration.domain,
      from: migration.to,
      to: migration.from,
      cutover: new Date(this.deps.clock.now()).toISOString(),
    };
    return this.act('rollback_migration', { supplier: back.to, migration: back }, actor);
  }

  /** The last 100 control actions seen by this replica, newest first. */
  recent(): readonly ControlEvent[] {
    return [...this.recentEvents].reverse();
  }

  onEvent(listener: (event: ControlEvent) => void): void {
    this.listeners.add(listener);
  }

  private async act(
    action: ControlAction,
    target: Target,
    actor: Actor,
    nhsNumber?: string,
  ): Promise<ControlResult> {
    const event: ControlEvent = {
      replica: this.deps.replica,
      action,
      ...target,
      by: actor.by,
      reason: actor.reason,
      at: new Date(this.deps.clock.now()).toISOString(),
    };
    const replicated = await this.deps.decisions.record(event);
    this.applyToBreaker(event);
    this.remember(event);
    // Every operator action is in the audit trail, beside the record accesses it affects.
    this.deps.audit.write({ type: 'ops-control', replicated, ...event });
    this.deps.metrics.controls.inc({ supplier: event.supplier ?? 'all', action });
    this.deps.logger.warn(
      {
        audit: 'ops-control',
        replicated,
        ...event,
        ...(nhsNumber ? { patient: maskNhsNumber(nhsNumber) } : {}),
      },
      `ops control: ${action} ${event.supplier ?? ''} by ${event.by}`,
    );
    return { event, replicated };
  }

  /** What an action means for this replica's breaker (the cache reads quarantines and purges itself). */
  private applyToBreaker(event: ControlEvent): void {
    const breaker = event.supplier ? this.supplier(event.supplier)?.breaker : undefined;
    if (!breaker) return;
    const cause = `${event.action} by ${event.by}: ${event.reason}`;
    if (event.action === 'isolate' && breaker.state !== 'ISOLATED') breaker.isolate(cause);
    if (event.action === 'restore' && breaker.state === 'ISOLATED') breaker.restore(cause);
    if (event.action === 'reset') breaker.reset(cause, { keepIsolation: breaker.state === 'ISOLATED' });
  }

  /** Applies an action taken on another replica (or found in Redis) to this one. */
  private async applyElsewhere(event: ControlEvent, origin: EventOrigin): Promise<void> {
    this.applyToBreaker(event);
    if (event.action === 'purge') {
      // Redis was purged where the action was taken; here only the in-process copies go.
      const target = {
        ...(event.supplier ? { supplier: event.supplier } : {}),
        ...(event.patientTag ? { patientTag: event.patientTag } : {}),
      };
      await this.deps.cache.entities.purge(target, { localOnly: true }).catch(() => undefined);
    }
    this.remember(event);
    this.deps.logger.info(
      { audit: 'ops-control', origin, ...event },
      `ops control from ${origin}: ${event.action} ${event.supplier ?? ''}`,
    );
  }

  private remember(event: ControlEvent): void {
    this.recentEvents.push(event);
    if (this.recentEvents.length > 100) this.recentEvents.shift();
    for (const listener of this.listeners) listener(event);
  }
}
