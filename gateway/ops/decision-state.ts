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

const ACTIONS = ['isolate', 'restore', 'reset', 'quarantine', 'lift_quarantine', 'purge'] as const;
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
    by: text,
    reason: text,
    at: isoTime,
  })
  .refine((e) => e.action === 'purge' || e.supplier !== undefined, 'a supplier is required')
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

  constructor(private readonly forgetPurgesAfterMs: number) {}

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
    for (const field of Object.keys(fields))
      if (!field.startsWith('purge:')) suppliers.add(field.split(':')[0]!);
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
    this.isolations.clear();
    this.quarantines.clear();
    this.purges.clear();
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

  private setField(field: string, value: string | undefined): void {
    const [head, ...rest] = field.split(':');
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
