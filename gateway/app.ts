/**
 * The composition root: builds every part of the gateway from its configuration and starts it. Nothing
 * else constructs breakers, caches or data sources, so this file is the map of how they fit together.
 */
import type { SpanExporter } from '@opentelemetry/sdk-trace-node';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import { auditPlugin, createAuditSink } from './audit/index.js';
import { AssertionSigner, createAuthenticator } from './auth/index.js';
import { AvailabilityRecorder } from './availability/index.js';
import { bothObservers, createCache, type CacheObserver, type GatewayCache } from './cache/index.js';
import { Lifecycle } from './lifecycle.js';
import type { GatewayConfig } from './config/index.js';
import type { GatewayContext } from './context.js';
import { installCompiledShaping, installOperationMemo, PreparedPath } from './execution/index.js';
import { createApolloServer, startClinicalEndpoint } from './http/index.js';
import { RequestBudget } from './limits/index.js';
import { GatewayMetrics, startTracing } from './observability/index.js';
import { DecisionStore, startOps, type SupplierControls } from './ops/index.js';
import { LocationPolicy } from './confidentiality/index.js';
import { SupplierDirectory } from './directory/index.js';
import { createPatientIndex, type PatientSource } from './patient-index/index.js';
import { openRegistry, registryControl } from './registry/index.js';
import { DomainDataSource, DomainSources, EmptyAnswers } from './routing/index.js';
import { APOLLO_TELEMETRY, federatedGateway, SupergraphGenerations } from './supergraph/index.js';
import { createSupplier, IdentitySelection, SupplierSet, type Supplier } from './suppliers/index.js';
import { usagePlugin, UsageStore } from './usage/index.js';

/** A replaced or removed supplier has this long to finish its calls (above any supplier timeout). */
const RETIRE_GRACE_MS = 30_000;

export interface RunningGateway {
  /** The clinicians' GraphQL URL. */
  readonly url: string;
  readonly port: number;
  /** The suppliers in service now (the registry may change them while the gateway runs). */
  readonly suppliers: readonly Supplier[];
  readonly cache: GatewayCache;
  readonly ops: { readonly url: string; readonly controls: SupplierControls };
  /** Stops at once: requests in flight are cut (tests, and start-up failures). */
  close(): Promise<void>;
  /**
   * Stops gracefully (SIGTERM): fails /readyz at once, keeps taking requests for the grace period, then
   * refuses new connections, lets those in flight finish (up to the timeout), flushes cache writes and
   * the audit trail, and closes Redis. Resolves with how many requests the timeout cut (0 normally).
   */
  drain(settings?: { graceMs: number; timeoutMs: number }): Promise<number>;
  /** The configured drain (DRAIN_GRACE_MS, DRAIN_TIMEOUT_MS). */
  readonly drainSettings: { readonly graceMs: number; readonly timeoutMs: number };
}

export interface GatewayDependencies {
  readonly clock: Clock;
  /**
   * Where the patient index finds patients and their records: PDS and the record locator in production,
   * the synthetic population in development and tests.
   */
  readonly patients: PatientSource;
  /**
   * Time as other systems read it: stamped into the assertions suppliers check against their own clocks.
   * Defaults to `clock`; a test that moves `clock` forward to age cached copies keeps this one real.
   */
  readonly externalClock?: Clock;
  readonly logger: Logger;
  /** Told of every cache read and write (tests use it to know when a copy has been stored). */
  readonly cacheObserver?: CacheObserver;
  /** Where spans go when OTEL_TRACES=on, instead of the OTLP collector (tests pass an in-memory exporter). */
  readonly traceExporter?: SpanExporter;
}

export async function startGateway(
  config: GatewayConfig,
  deps: GatewayDependencies,
): Promise<RunningGateway> {
  const life = new Lifecycle(deps.clock, deps.logger);
  try {
    return await start(config, deps, life);
  } catch (error) {
    await life.close();
    throw error;
  }
}

async function start(
  config: GatewayConfig,
  deps: GatewayDependencies,
  life: Lifecycle,
): Promise<RunningGateway> {
  const { clock, logger } = deps;
  // First opened, so last closed: the spans of the final requests are exported before it stops.
  const tracing = await startTracing(config.tracing, {
    logger,
    replica: config.replica,
    exporter: deps.traceExporter,
  });
  if (tracing) life.onClose(() => tracing.shutdown());
  const audit = createAuditSink(config.audit);
  // A destination that stalls past the close step loses what is still waiting, and the error says so.
  life.onClose(() => audit.close(), 'audit trail');
  // A replica that cannot write its audit trail, or is behind with it, must not take traffic (/readyz and
  // the ready gauge alike).
  const ready = () => life.phase === 'serving' && audit.healthy && !audit.behind;
  const metrics = new GatewayMetrics({
    cacheHealth: () => cache.health(),
    now: () => clock.now(),
    ready,
    auditHealthy: () => audit.healthy,
    auditBacklogBytes: () => audit.backlogBytes,
    auditBehind: () => audit.behind,
  });
  const decisions = new DecisionStore({
    redisUrl: config.cache.redisUrl,
    redisMode: config.cache.redisMode,
    replica: config.replica,
    logger,
    now: () => clock.now(),
    clock,
    forgetPurgesAfterMs: config.cache.maxStalenessMs,
  });
  life.onClose(() => decisions.close());
  // Start with the operators' current decisions (an isolated supplier must not get traffic from a new replica).
  await decisions.start(2_000);
  const cache = createCache(config.cache, {
    clock,
    logger,
    quarantinedSince: (supplier) => decisions.quarantinedSince(supplier),
    purgedBefore: (supplier, patientTag) => decisions.purgedBefore(supplier, patientTag),
    observer: deps.cacheObserver ? bothObservers(metrics, deps.cacheObserver) : metrics,
  });
  life.onClose(() => cache.close());
  const assertions = await AssertionSigner.create(config.assertions, deps.externalClock ?? clock);
  if (assertions.generated) {
    logger.warn(
      "ASSERTION_SIGNING_KEY is not set: signing supplier assertions with a key generated for this process (development only; production refuses to start without one). Suppliers must fetch this process's JWKS.",
    );
  }
  const suppliers = new SupplierSet(
    (settings) => createSupplier(settings, { clock, cache: cache.entities, observer: metrics, assertions }),
    RETIRE_GRACE_MS,
  );
  life.onClose(() => suppliers.close());
  suppliers.onAdded((supplier) => {
    metrics.watch(supplier.breaker);
    supplier.breaker.onTransition((t) =>
      logger.warn(
        { transition: { ...t, at: new Date(t.at).toISOString() } },
        `breaker ${t.supplier}: ${t.from} -> ${t.to}`,
      ),
    );
    // A supplier put in service while isolated stays isolated: no request reaches it until restored.
    const isolation = decisions.get(supplier.name).isolation;
    if (isolation) supplier.breaker.isolate(`isolated by ${isolation.by}: ${isolation.reason}`);
  });
  // What this replica serves: the registry's shared state, its last-known-good copy, or the configuration.
  const opened = await openRegistry({
    market: config.market,
    redisUrl: config.cache.redisUrl,
    redisMode: config.cache.redisMode,
    replica: config.replica,
    stateFile: config.registry.stateFile,
    logger,
    clock,
  });
  life.onClose(() => opened.store.close());
  const { served } = opened;
  // The operations clients send: the registry's breaking-changes gate and plan warm-up read them.
  const usage = new UsageStore({
    redisUrl: config.cache.redisUrl,
    redisMode: config.cache.redisMode,
    logger,
    now: () => clock.now(),
  });
  life.onClose(() => usage.close());
  suppliers.apply(served.market.suppliers.map((s) => config.supplierSettings(s)));
  const index = createPatientIndex({ source: deps.patients });
  const directory = new SupplierDirectory(served.market, {
    now: () => clock.now(),
    migrations: () => decisions.migrations(),
  });
  const domains = new DomainSources(
    (domain, markings) =>
      new DomainDataSource({
        domain,
        directory,
        client: (name) => suppliers.get(name)?.client,
        identity: new IdentitySelection(),
        location: new LocationPolicy(markings),
        empty: new EmptyAnswers(markings),
        selectionOf: (text) => cache.entities.selectionId(text),
        observer: metrics,
        now: () => clock.now(),
      }),
  );
  const gateway = new SupergraphGenerations(served.supergraph, {
    build: federatedGateway({
      index,
      domainSource: (name, contract) => domains.sourceFor(name, contract),
      logger,
    }),
    operations: () => usage.warmable(),
    logger,
    now: () => clock.now(),
  });
  const registry = registryControl(opened, {
    suppliers,
    directory,
    generations: gateway,
    settingsFor: (s) => config.supplierSettings(s),
    signer: assertions,
    usage,
    ...config.registry,
    audit,
    replica: config.replica,
    logger,
    now: () => clock.now(),
  });
  const authenticate = await createAuthenticator(config.auth, clock);
  if (config.auth.mode === 'development') {
    logger.warn(
      'AUTH_MODE=development: clinician identity is taken from x-dev-* headers (refused in production)',
    );
  }
  const apollo = createApolloServer({
    gateway,
    config,
    logger,
    plugins: [auditPlugin(audit, clock), usagePlugin(usage)],
  });
  await apollo.server.start();
  life.onClose(() => apollo.server.stop());
  if (!installOperationMemo())
    logger.warn(
      'the executor rebuilds each operation per request: @apollo/federation-internals changed layout',
    );
  if (!installCompiledShaping())
    logger.warn('results are shaped by the gateway as shipped: @apollo/gateway changed layout');
  // With tracing on, Apollo's request span is part of each clinical trace, and only its own path makes it.
  const prepared =
    config.preparedOperations && !config.tracing.enabled
      ? new PreparedPath({ source: gateway, ...apollo, logger, telemetry: APOLLO_TELEMETRY })
      : undefined;
  const endpoint = await startClinicalEndpoint(apollo.server, {
    prepared,
    tracing: config.tracing.enabled,
    answeredBy: (path) => metrics.answeredBy(path),
    host: config.host,
    port: config.port,
    maxRequestBytes: config.maxRequestBytes,
    logger,
    authenticate,
    budget: new RequestBudget({
      maxPatients: config.maxPatientsPerQuery,
      maxCost: config.limits.maxCost,
      maxTokens: config.limits.maxTokens,
    }),
    audit,
    clock,
    context: (requestId, identity): GatewayContext => ({
      requestId,
      identity,
      lookups: [],
      availability: new AvailabilityRecorder(),
      patients: new Map(),
    }),
  });
  life.onClose(() => endpoint.close());
  metrics.watchRequests(endpoint.server);
  const ops = await startOps(config.ops, {
    replica: config.replica,
    suppliers,
    cache,
    decisions,
    metrics,
    logger,
    clock,
    jwks: assertions.jwks,
    directory,
    audit,
    patientsAt: (organisations) => deps.patients.patientsAt?.(organisations),
    registry: { api: registry.api, view: () => registry.runtime.view() },
    ready,
  });
  life.onClose(() => ops.close());
  await registry.runtime.started(served);
  // From now on, every registry change (made here or on another replica) is applied as it arrives.
  // (A state that cannot be applied is logged and shown on /readyz by the runtime; the previous one serves.)
  const applyShared = (state: typeof opened.store.state) =>
    registry.runtime.apply(state).catch(() => undefined);
  opened.store.onChange((state) => void applyShared(state));
  void applyShared(opened.store.state);
  life.phase = 'serving';
  logger.info(
    { url: endpoint.url, ops: ops.url, cache: cache.backend, replica: config.replica },
    'gateway listening',
  );
  return {
    url: endpoint.url,
    port: endpoint.port,
    get suppliers() {
      return suppliers.list();
    },
    cache,
    ops: { url: ops.url, controls: ops.controls },
    close: () => life.close(),
    drainSettings: config.drain,
    drain: (settings = config.drain) => life.drain(endpoint, settings),
  };
}
