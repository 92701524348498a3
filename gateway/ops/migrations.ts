import { parseIsoDateTime } from '../../lib/iso-time.js';
import type { Migration, SupplierDirectory } from '../directory/index.js';
import type { MigrationDecision } from './decisions.js';
import { OpsError } from './errors.js';

/** A migration as the ops API shows it: scheduled, or in effect (and since when). */
export interface MigrationView extends MigrationDecision {
  readonly state: 'scheduled' | 'in-effect';
}

/**
 * Every migration as the ops API shows it, by organisation code: a stable order, whatever order the shared
 * decisions were last read from Redis in.
 */
export function viewsOf(
  directory: SupplierDirectory,
  migrations: ReadonlyMap<string, MigrationDecision>,
  now: number,
): MigrationView[] {
  return [...migrations.values()]
    .sort((a, b) => a.organisation.localeCompare(b.organisation))
    .map((m) => ({ ...m, state: directory.cutoverOf(m) <= now ? 'in-effect' : 'scheduled' }));
}

/**
 * Checks a request to move `organisation` to supplier `to` at `cutover`, and works out the migration:
 * the organisation must be declared and served now, `to` a primary supplier of the same domain that does
 * not already serve it, the cut-over an ISO time that is not in the past, and no other migration of the
 * organisation may be waiting. Each refusal has its own documented code, and changes nothing.
 */
export function plannedMigration(
  directory: SupplierDirectory,
  body: Readonly<Record<string, unknown>>,
  pending: ReadonlyMap<string, MigrationDecision>,
  now: number,
): Migration {
  const { organisation, to, cutover } = body;
  const org = typeof organisation === 'string' ? directory.organisation(organisation) : undefined;
  if (!org) {
    throw new OpsError(
      'UNKNOWN_ORGANISATION',
      `no organisation with ODS code ${JSON.stringify(organisation)} in the market`,
    );
  }
  const domain = directory.market.domains.find((d) => d.serves === org.type);
  const serving = directory.servingAt(org.odsCode, now);
  if (!domain || !serving) {
    throw new OpsError(
      'UNKNOWN_ORGANISATION',
      `${org.odsCode} is not served by any supplier of a record domain`,
    );
  }
  const target = typeof to === 'string' ? directory.supplier(to) : undefined;
  if (!target) throw new OpsError('UNKNOWN_SUPPLIER', `no supplier named ${JSON.stringify(to)}`);
  if (target.domain !== domain.name) {
    throw new OpsError(
      'WRONG_DOMAIN',
      `${target.name} serves the ${target.domain} domain; ${org.odsCode} is a ${org.type} of the ${domain.name} domain`,
    );
  }
  if (domain.fallback === target.name) {
    throw new OpsError(
      'WRONG_DOMAIN',
      `${target.name} is the ${domain.name} domain's national fallback, not a supplier organisations move to`,
    );
  }
  if (serving.supplier === target.name) {
    throw new OpsError('ALREADY_SERVED', `${target.name} already serves ${org.odsCode}`);
  }
  const waiting = pending.get(org.odsCode);
  if (waiting && directory.cutoverOf(waiting) > now) {
    throw new OpsError(
      'MIGRATION_PENDING',
      `${org.odsCode} already moves to ${waiting.to} at ${waiting.cutover}: cancel that first`,
    );
  }
  const at = typeof cutover === 'string' ? parseIsoDateTime(cutover) : undefined;
  if (at === undefined) {
    throw new OpsError(
      'INVALID_CUTOVER',
      `"cutover" must be an ISO 8601 date-time with a zone, got ${JSON.stringify(cutover)}`,
    );
  }
  if (at < now - 60_000)
    throw new OpsError('INVALID_CUTOVER', `"cutover" is in the past: ${cutover as string}`);
  return {
    organisation: org.odsCode,
    domain: domain.name,
    from: serving.supplier,
    to: target.name,
    cutover: new Date(at).toISOString(),
  };
}

/** The migration of `organisation` that a cancellation (before its cut-over) or a rollback (after) acts on. */
export function migrationOf(
  directory: SupplierDirectory,
  organisation: string,
  pending: ReadonlyMap<string, MigrationDecision>,
  now: number,
  want: 'scheduled' | 'in-effect',
): MigrationDecision {
  const migration = pending.get(organisation);
  if (!migration)
    throw new OpsError('NO_MIGRATION', `no migration of ${organisation} is scheduled or in effect`);
  const inEffect = directory.cutoverOf(migration) <= now;
  if (want === 'scheduled' && inEffect) {
    throw new OpsError(
      'MIGRATION_IN_EFFECT',
      `${organisation} moved to ${migration.to} at ${migration.cutover}: roll it back instead`,
    );
  }
  if (want === 'in-effect' && !inEffect) {
    throw new OpsError(
      'MIGRATION_PENDING',
      `${organisation} does not move until ${migration.cutover}: cancel it instead`,
    );
  }
  return migration;
}
