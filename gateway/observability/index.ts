/** Prometheus metrics (prom-client) and OpenTelemetry traces (off by default); logs are lib/logger.ts. */
export { GatewayMetrics } from './metrics.js';
export {
  gatewayTracer,
  RedactingExporter,
  startTracing,
  type Tracing,
  type TracingDependencies,
  type TracingSettings,
} from './tracing.js';
