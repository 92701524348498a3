import { z } from 'zod';
import { parseIsoDateTime } from '../../lib/iso-time.js';

export interface IsolationDecision {
  readonly by: string;
  readonly reason: string;
  readonly at: string;
}

export interface QuarantineDecision extends IsolationDecision {
  /** ISO time: copies received at or after it are not served. */
  readonly since: string;
}

/** What operators decided about a supplier. */
export interface SupplierDecision {
  readonly isolation?: IsolationDecision;
  readonly quarantine?: QuarantineDecision;
}

/**
 * A practice (or trust) moving between suppliers of its domain at a cut-over time. Stored as scheduled;
 * whether it is in effect is decided by the clock at each request (gateway/directory).
 */
export interface MigrationDecision {
  readonly organisation: string;
  readonly domain: string;
  readonly from: string;
  readonly to: string;
  /** ISO time of the cut-over. */
  readonly cutover: string;
  readonly by: string;
  readonly reason: string;
  /** ISO time it was scheduled. */
  readonly at: string;
}

const ACTIONS = [
  'isolate',
  'restore',
  'reset',
  'quarantine',
  'lift_quarantine',
  'purge',
  'migrate',
  'cancel_migration',
  'rollback_migration',
] as const;
export type ControlAction = (typeof ACTIONS)[number];

/** One control action, as logged, streamed to dashboards and published to other replicas. */
export interface ControlEvent {
  readonly replica: string;
  readonly action: ControlAction;
  readonly supplier?: string;
  /** Keyed hash of the patient for a purge by patient: NHS numbers never travel through Redis. */
  readonly patientTag?: string;
  /** For `quarantine`: the cut-off. */
  readonly since?: string;
  /** For `migrate` and `rollback_migration`: the migration now scheduled. */
  readonly migration?: Omit<MigrationDecision, 'by' | 'reason' | 'at'>;
  /** For `cancel_migration`: the organisation whose migration was cancelled. */
  readonly organisation?: string;
  readonly by: string;
  readonly reason: string;
  readonly at: string;
}

const isoTime = z.string().refine((v) => parseIsoDateTime(v) !== undefined, 'not an ISO date-time');
const text = z.string().min(1).max(500);

/** The shape every event from Redis must have; anything else is ignored (Redis is not trusted blindly). */
export const controlEventSchema = z
  .object({
    replica: z.string().min(1).max(128),
    action: z.enum(ACTIONS),
    supplier: z
      .string()
      .regex(/^[a-z0-9-]{1,64}$/)
      .optional(),
    patientTag: z
      .string()
      .regex(/^[A-Za-z0-9_-]{22}$/)
      .optional(),
    since: isoTime.optional(),
    migration: z
      .object({
        organisation: z.string().regex(/^[A-Z0-9]{3,10}$/),
        domain: z.string().regex(/^[a-z0-9-]{1,64}$/),
        from: z.string().regex(/^[a-z0-9-]{1,64}$/),
        to: z.string().regex(/^[a-z0-9-]{1,64}$/),
        cutover: isoTime,
      })
      .optional(),
    organisation: z
      .string()
      .regex(/^[A-Z0-9]{3,10}$/)
      .optional(),
    by: text,
    reason: text,
    at: isoTime,
  })
  .refine(
    (e) =>
      ['purge', 'migrate', 'rollback_migration', 'cancel_migration'].includes(e.action) ||
      e.supplier !== undefined,
    'a supplier is required',
  )
  .refine(
    (e) => !['migrate', 'rollback_migration'].includes(e.action) || e.migration !== undefined,
    'a migration needs its details',
  )
  .refine(
    (e) => e.action !== 'cancel_migration' || e.organisation !== undefined,
    'a cancellation needs an organisation',
  )
  .refine((e) => e.action !== 'quarantine' || e.since !== undefined, 'a quarantine needs since')
  .refine(
    (e) => e.action !== 'purge' || e.supplier !== undefined || e.patientTag !== undefined,
    'a purge needs a target',
  );

/** A Redis hash field and what to do with it for an action (`undefined` value: delete the field). */
export function storedField(event: ControlEvent): { field: string; value: string | undefined } | undefined {
  const actor = { by: event.by, reason: event.reason, at: event.at };
  switch (event.action) {
    case 'isolate':
      return { field: `${event.supplier}:isolation`, value: JSON.stringify(actor) };
    case 'restore':
      return { field: `${event.supplier}:isolation`, value: undefined };
    case 'quarantine':
      return {
        field: `${event.supplier}:quarantine`,
        value: JSON.stringify({ ...actor, since: event.since }),
      };
    case 'lift_quarantine':
      return { field: `${event.supplier}:quarantine`, value: undefined };
    case 'purge':
      return { field: `purge:${event.supplier ?? '*'}:${event.patientTag ?? '*'}`, value: event.at };
    case 'migrate':
    case 'rollback_migration':
      return {
        field: `migration:${event.migration!.organisation}`,
        value: JSON.stringify({ ...event.migration, ...actor }),
      };
    case 'cancel_migration':
      return { field: `migration:${event.organisation}`, value: undefined };
    case 'reset':
      return undefined;
  }
}

/**
 * Operators' decisions as this replica knows them: isolation and quarantine per supplier, and purge
 * cut-offs (copies received before a purge are never served again, even if a replica missed the purge
 * itself). Each action changes one field only, so concurrent actions on different things cannot undo
 * each other.
 */
export class DecisionState {
  private readonly isolations = new Map<string, IsolationDecision>();
  private readonly quarantines = new Map<string, QuarantineDecision>();
  private readonly purges = new Map<string, number>();
  private readonly migrationsByOrganisation = new Map<string, MigrationDecision>();

  constructor(private readonly forgetPurgesAfterMs: number) {}

  /** Every migration scheduled or in effect, by organisation. */
  migrations(): ReadonlyMap<string, MigrationDecision> {
    return this.migrationsByOrganisation;
  }

  get(supplier: string): SupplierDecision {
    const isolation = this.isolations.get(supplier);
    const quarantine = this.quarantines.get(supplier);
    return { ...(isolation ? { isolation } : {}), ...(quarantine ? { quarantine } : {}) };
  }

  quarantinedSince(supplier: string): number | undefined {
    const since = this.quarantines.get(supplier)?.since;
    return since === undefined ? undefined : Date.parse(since);
  }

  /** The latest purge covering a supplier's copy of a patient (by supplier, by patient, or both). */
  purgedBefore(supplier: string, patientTag: string): number | undefined {
    let latest: number | undefined;
    for (const key of [`${supplier}:${patientTag}`, `${supplier}:*`, `*:${patientTag}`]) {
      const at = this.purges.get(key);
      if (at !== undefined && (latest === undefined || at > latest)) latest = at;
    }
    return latest;
  }

  apply(event: ControlEvent): void {
    const stored = storedField(event);
    if (stored) this.setField(stored.field, stored.value);
  }

  /** Replaces everything with a Redis hash's contents; returns an event for each difference found. */
  replaceWith(fields: Readonly<Record<string, string>>, now: number): ControlEvent[] {
    const changes: ControlEvent[] = [];
    const sync = { replica: 'redis', at: new Date(now).toISOString() };
    const compare = (
      supplier: string,
      stored: string | undefined,
      known: unknown,
      on: ControlAction,
      off: ControlAction,
    ) => {
      if ((stored ?? null) === (known === undefined ? null : JSON.stringify(known))) return;
      const d = stored === undefined ? undefined : (JSON.parse(stored) as Partial<QuarantineDecision>);
      changes.push({
        ...sync,
        action: d ? on : off,
        supplier,
        by: d?.by ?? 'sync',
        reason: d?.reason ?? 'lifted while this replica was away',
        ...(d?.since ? { since: d.since } : {}),
      });
    };
    const suppliers = new Set([...this.isolations.keys(), ...this.quarantines.keys()]);
    for (const field of Object.keys(fields)) {
      if (!field.startsWith('purge:') && !field.startsWith('migration:')) suppliers.add(field.split(':')[0]!);
    }
    for (const supplier of suppliers) {
      compare(supplier, fields[`${supplier}:isolation`], this.isolations.get(supplier), 'isolate', 'restore');
      compare(
        supplier,
        fields[`${supplier}:quarantine`],
        this.quarantines.get(supplier),
        'quarantine',
        'lift_quarantine',
      );
    }
    for (const [field, at] of Object.entries(fields)) {
      if (!field.startsWith('purge:') || this.purges.get(field.slice(6)) === Date.parse(at)) continue;
      const [, supplier, tag] = field.split(':');
      changes.push({
        ...sync,
        action: 'purge',
        ...(supplier !== '*' ? { supplier } : {}),
        ...(tag !== '*' ? { patientTag: tag } : {}),
        by: 'sync',
        reason: 'purged while this replica was away',
      });
    }
    changes.push(...this.migrationChanges(fields, sync));
    this.isolations.clear();
    this.quarantines.clear();
    this.purges.clear();
    this.migrationsByOrganisation.clear();
    for (const [field, value] of Object.entries(fields)) this.setField(field, value);
    this.prune(now);
    return changes;
  }

  /** Purge records older than the maximum staleness cover nothing any more (no copy can be that old). */
  prune(now: number): string[] {
    const expired = [...this.purges]
      .filter(([, at]) => now - at > this.forgetPurgesAfterMs)
      .map(([key]) => key);
    for (const key of expired) this.purges.delete(key);
    return expired.map((key) => `purge:${key}`);
  }

  /** Migrations scheduled, changed or cancelled while this replica was away. */
  private migrationChanges(fields: Readonly<Record<string, string>>, sync: { replica: string; at: string }) {
    const changes: ControlEvent[] = [];
    const organisations = new Set([
      ...this.migrationsByOrganisation.keys(),
      ...Object.keys(fields).flatMap((f) => (f.startsWith('migration:') ? [f.slice(10)] : [])),
    ]);
    for (const organisation of organisations) {
      const stored = fields[`migration:${organisation}`];
      const known = this.migrationsByOrganisation.get(organisation);
      if ((stored ?? null) === (known ? JSON.stringify(known) : null)) continue;
      const d = stored === undefined ? undefined : (JSON.parse(stored) as MigrationDecision);
      changes.push(
        d
          ? {
              ...sync,
              action: 'migrate',
              migration: { organisation, domain: d.domain, from: d.from, to: d.to, cutover: d.cutover },
              by: d.by,
              reason: d.reason,
            }
          : {
              ...sync,
              action: 'cancel_migration',
              organisation,
              by: 'sync',
              reason: 'cancelled while this replica was away',
            },
      );
    }
    return changes;
  }

  private setField(field: string, value: string | undefined): void {
    const [head, ...rest] = field.split(':');
    if (head === 'migration') {
      if (value === undefined) this.migrationsByOrganisation.delete(rest.join(':'));
      else this.migrationsByOrganisation.set(rest.join(':'), JSON.parse(value) as MigrationDecision);
      return;
    }
    if (head === 'purge') {
      const key = rest.join(':');
      if (value === undefined) this.purges.delete(key);
      else this.purges.set(key, Date.parse(value));
      return;
    }
    const map =
      rest[0] === 'isolation' ? this.isolations : rest[0] === 'quarantine' ? this.quarantines : undefined;
    if (!map || !head) return;
    if (value === undefined) map.delete(head);
    else map.set(head, JSON.parse(value) as QuarantineDecision);
  }
}
