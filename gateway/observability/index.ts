/** Prometheus metrics (prom-client); logs are lib/logger.ts. */
export { GatewayMetrics } from './metrics.js';
