import { every } from '../../lib/clock.js';
import type { Supplier } from '../suppliers/index.js';
import { SupplierHistory, type HistoryView } from './history.js';
import type { OpsParts } from './parts.js';
import type { RecentEvents, StreamedEvent } from './recent-events.js';
import { trafficTotals } from './traffic.js';

/** How often the traffic counters are read between requests for the history. */
const SAMPLE_EVERY_MS = 5_000;

export interface RunningHistory {
  /** GET /api/history: the counters are read first, so traffic up to this moment is included. */
  readonly view: () => Promise<HistoryView & { readonly events: readonly StreamedEvent[] }>;
  readonly stop: () => void;
}

/**
 * Feeds a SupplierHistory: every breaker's transitions as they happen (suppliers added later included),
 * and the traffic counters every 5 s on the injected clock. Traffic is placed in the minute it was read
 * in, so a minute's figures may include up to 5 s of the one before.
 */
export function startHistory(parts: OpsParts, recent: RecentEvents): RunningHistory {
  const history = new SupplierHistory(() => parts.clock.now());
  const follow = (s: Supplier) => s.breaker.onTransition((t) => history.transition(t));
  parts.suppliers.list().forEach(follow);
  parts.suppliers.onAdded(follow);

  // Readings are applied one after another: two overlapping ones would count the same growth twice.
  let reading = Promise.resolve();
  const sample = () => {
    reading = reading
      .then(() => trafficTotals(parts.metrics))
      .then((totals) => totals.forEach((t, supplier) => history.totals(supplier, t)))
      .catch((error: unknown) => parts.logger.warn({ err: error }, 'could not read supplier traffic'));
    return reading;
  };
  const stop = every(parts.clock, SAMPLE_EVERY_MS, () => void sample());
  void sample();

  return {
    view: async () => {
      await sample();
      const suppliers = parts.suppliers
        .list()
        .map((s) => ({ name: s.name, domain: s.domain, state: s.breaker.state }));
      return { ...history.view(suppliers), events: recent.list() };
    },
    stop,
  };
}
