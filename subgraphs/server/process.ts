import { announceListening } from '../../lib/launch.js';
import { redact } from '../../lib/redact.js';
import type { RunningSubgraph } from './http.js';
import { startSupplier, type SupplierDefinition } from './index.js';
import type { SupplierSettings } from './settings.js';

/** Runs a supplier as its own process until SIGINT/SIGTERM. */
export function runSupplierProcess<TRecord>(
  definition: SupplierDefinition<TRecord>,
  settings: SupplierSettings,
): void {
  let running: RunningSubgraph | undefined;
  const stop = () => void (running?.close() ?? Promise.resolve()).then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  startSupplier(definition, settings).then(
    (r) => {
      running = r;
      announceListening({ service: settings.name, url: r.url });
    },
    (error: unknown) => {
      console.error(redact(error instanceof Error ? error.message : String(error)));
      process.exit(1);
    },
  );
}
