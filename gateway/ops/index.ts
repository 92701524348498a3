/**
 * The ops surface: live breaker state and metrics, Server-Sent Events, health probes, a dashboard, and
 * the controls that isolate, restore, reset, quarantine and purge a supplier across every replica.
 */
import type { OpsCredential } from './auth.js';
import type { Supplier } from '../suppliers/index.js';
import type { OpsParts } from './parts.js';
import { SupplierControls } from './controls.js';
import { EventStream } from './events.js';
import { startHistory } from './history-feed.js';
import { startOpsServer, type RunningOpsServer } from './server.js';
import { opsStatus } from './status.js';

export { authenticate, generateOpsToken, opsCredentials, type OpsCredential } from './auth.js';
export { DecisionStore, type ControlEvent, type SupplierDecision } from './decisions.js';
export { SupplierControls } from './controls.js';
export { OpsErrorCode } from './errors.js';
export type { OpsStatus, SupplierStatus } from './status.js';
export type { OpsParts } from './parts.js';

export interface OpsSettings {
  readonly host: string;
  readonly port: number;
  readonly credentials: readonly OpsCredential[];
}

export interface RunningOps extends RunningOpsServer {
  readonly controls: SupplierControls;
}

export async function startOps(settings: OpsSettings, parts: OpsParts): Promise<RunningOps> {
  const controls = new SupplierControls(parts);
  const status = () => opsStatus(parts);
  const events = new EventStream(status, 2_000, parts.clock);
  const streamTransitions = (s: Supplier) =>
    s.breaker.onTransition((t) => events.publish('transition', { ...t, at: new Date(t.at).toISOString() }));
  parts.suppliers.list().forEach(streamTransitions);
  parts.suppliers.onAdded(streamTransitions);
  controls.onEvent((event) => events.publish('control', event));
  const history = startHistory(parts, events.recent);
  const server = await startOpsServer({
    host: settings.host,
    port: settings.port,
    credentials: settings.credentials,
    controls,
    events,
    status,
    history: history.view,
    metrics: async () => ({
      contentType: parts.metrics.registry.contentType,
      body: await parts.metrics.registry.metrics(),
    }),
    readiness: () => ({
      ready: parts.ready(),
      audit: parts.audit.healthy ? (parts.audit.behind ? 'behind' : 'ok') : 'failing',
      suppliers: parts.suppliers.list().map((s) => ({ name: s.name, state: s.breaker.state })),
      cache: parts.cache.health().map((t) => ({ tier: t.tier, status: t.status })),
      registry: (({ source, revision, problem }) => ({ source, revision, problem }))(parts.registry.view()),
    }),
    registry: parts.registry.api,
    now: () => parts.clock.now(),
    logger: parts.logger,
    jwks: parts.jwks,
  });
  return {
    ...server,
    controls,
    close: async () => {
      history.stop();
      await server.close();
    },
  };
}
