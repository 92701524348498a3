import type { SupplierControls } from './controls.js';
import { migrationOf, plannedMigration, viewsOf } from './migrations.js';
import { actorOf, type ControlHandler } from './control-request.js';

/**
 * Practice migrations between suppliers: list, schedule, cancel before the cut-over, roll back after it.
 * Everything is validated before anything changes; every change is shared with every replica and audited.
 */
export function migrationRoutes(
  controls: SupplierControls,
  now: () => number,
): Record<string, ControlHandler> {
  return {
    'GET /api/migrations': async () => {
      const at = now();
      return { migrations: viewsOf(controls.directory, controls.migrations, at) };
    },
    'POST /api/migrations': (r) => {
      const migration = plannedMigration(controls.directory, r.body, controls.migrations, now());
      return controls.migrate(migration, actorOf(r));
    },
    'POST /api/migrations/:organisation/cancel': (r) => {
      const migration = migrationOf(
        controls.directory,
        r.params.organisation!,
        controls.migrations,
        now(),
        'scheduled',
      );
      return controls.cancelMigration(migration, actorOf(r));
    },
    'POST /api/migrations/:organisation/rollback': (r) => {
      const migration = migrationOf(
        controls.directory,
        r.params.organisation!,
        controls.migrations,
        now(),
        'in-effect',
      );
      return controls.rollbackMigration(migration, actorOf(r));
    },
  };
}
