import type { GatewayMetrics } from '../observability/index.js';
import type { Traffic } from './history.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
const SECTION_STATUSES = ['live', 'stale', 'fallback', 'unavailable'] as const;

async function samples(metrics: GatewayMetrics, name: string) {
  const metric = await metrics.registry.getSingleMetric(name)?.get();
  return metric?.values ?? [];
}

/**
 * Every supplier's running totals, read from the counters the supplier observer already feeds
 * (`patient_gateway_supplier_requests_total`, `patient_gateway_sections_served_total`), so the history
 * needs no hook of its own on the request path. `calls` are those that reached the supplier (success or
 * failure); refusals by the breaker are not calls.
 */
export async function trafficTotals(metrics: GatewayMetrics): Promise<Map<string, Traffic>> {
  const totals = new Map<string, Mutable<Traffic>>();
  const of = (supplier: unknown) => {
    const name = String(supplier);
    let entry = totals.get(name);
    if (!entry) {
      entry = { calls: 0, failures: 0, live: 0, stale: 0, fallback: 0, unavailable: 0 };
      totals.set(name, entry);
    }
    return entry;
  };
  for (const { labels, value } of await samples(metrics, 'patient_gateway_supplier_requests_total')) {
    if (labels.outcome !== 'success' && labels.outcome !== 'failure') continue;
    const entry = of(labels.supplier);
    entry.calls += value;
    if (labels.outcome === 'failure') entry.failures += value;
  }
  for (const { labels, value } of await samples(metrics, 'patient_gateway_sections_served_total')) {
    const status = SECTION_STATUSES.find((s) => s === labels.status);
    if (status) of(labels.supplier)[status] += value;
  }
  return totals;
}
