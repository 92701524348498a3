import { randomUUID } from 'node:crypto';
import type { Clock } from '../../lib/clock.js';
import type { Logger } from '../../lib/logger.js';
import { loadSupergraph, ownSdl } from '../../schema/index.js';
import type { AssertionSigner } from '../auth/index.js';
import { breakerOptions } from '../breakers/index.js';
import type { Market, MarketSupplier, SupplierDirectory } from '../directory/index.js';
import type { SupergraphGenerations } from '../supergraph/index.js';
import type { SupplierSet, SupplierSettings } from '../suppliers/index.js';
import type { UsageStore } from '../usage/index.js';
import type { Bootstrap } from './effective.js';
import { endpointPolicy } from './gates/endpoints.js';
import { registryApi } from './http.js';
import { LastKnownGood } from './last-known-good.js';
import { RegistryRuntime, type Served } from './runtime.js';
import { RegistryService, type ApprovalPolicy } from './service.js';
import { startingPoint } from './start.js';
import { RegistryStore } from './store.js';
import { type RedisMode } from '../redis/index.js';

/** Who the gates' calls come from, in each assertion a candidate supplier sees. */
const CONFORMANCE_IDENTITY = {
  userId: 'gateway-registry',
  name: 'Registry gates',
  role: 'SYSTEM',
  org: 'GATEWAY',
  source: 'development',
} as const;

export interface OpenedRegistry {
  readonly bootstrap: Bootstrap;
  readonly store: RegistryStore;
  readonly lastKnownGood: LastKnownGood;
  /** What this replica starts serving. */
  readonly served: Served;
}

/**
 * Opens the registry at start-up: the configured market and committed supergraph as the bootstrap, the
 * shared store, and this replica's last-known-good copy; and decides what the replica starts from.
 */
export async function openRegistry(options: {
  readonly market: Market;
  readonly redisUrl: string | undefined;
  readonly redisMode: RedisMode;
  readonly replica: string;
  readonly stateFile: string;
  readonly logger: Logger;
  readonly clock: Clock;
}): Promise<OpenedRegistry> {
  const bootstrap: Bootstrap = {
    market: options.market,
    domainSdl: new Map(options.market.domains.map((d) => [d.name, ownSdl(d.name)])),
    supergraphSdl: loadSupergraph(),
  };
  const store = new RegistryStore({
    redisUrl: options.redisUrl,
    redisMode: options.redisMode,
    replica: options.replica,
    logger: options.logger,
    now: () => options.clock.now(),
    clock: options.clock,
  });
  const lastKnownGood = new LastKnownGood(options.stateFile);
  try {
    const served = await startingPoint({
      bootstrap,
      store,
      lastKnownGood,
      redisConfigured: options.redisUrl !== undefined,
      waitMs: 2_000,
      logger: options.logger,
    });
    return { bootstrap, store, lastKnownGood, served };
  } catch (error) {
    await store.close();
    throw error;
  }
}

/** The registry's running side: applies changes to the gateway, and serves the registry API. */
export function registryControl(
  opened: OpenedRegistry,
  parts: {
    readonly suppliers: SupplierSet;
    readonly directory: SupplierDirectory;
    readonly generations: SupergraphGenerations;
    readonly settingsFor: (supplier: MarketSupplier) => SupplierSettings;
    readonly signer: AssertionSigner;
    readonly usage: UsageStore;
    readonly approval: ApprovalPolicy;
    readonly usageWindowMs: number;
    readonly latencyBudgetMs: number;
    readonly endpointHosts: readonly string[];
    readonly production: boolean;
    readonly audit: { write(record: object): void };
    readonly replica: string;
    readonly logger: Logger;
    readonly now: () => number;
  },
) {
  const runtime = new RegistryRuntime({ ...opened, ...parts });
  // The breaker's call timeout a supplier gets by default: what the health gate allows an endpoint.
  const probe = { name: 'registry-candidate', domain: '', url: 'http://127.0.0.1/', organisations: [] };
  const service = new RegistryService({
    store: opened.store,
    runtime,
    gates: {
      bootstrap: opened.bootstrap,
      usage: parts.usage,
      sign: (audience) => parts.signer.sign(CONFORMANCE_IDENTITY, `registry-${randomUUID()}`, audience),
      healthTimeoutMs: breakerOptions(probe.name, parts.settingsFor(probe).breaker).timeoutMs,
      latencyBudgetMs: parts.latencyBudgetMs,
      usageWindowMs: parts.usageWindowMs,
      now: parts.now,
      endpointRefusal: endpointPolicy(parts.endpointHosts, parts.production),
    },
    approval: parts.approval,
    audit: parts.audit,
    logger: parts.logger,
    now: parts.now,
  });
  const api = registryApi({
    service,
    status: async () => ({ runtime: runtime.view(), replicas: await opened.store.replicas() }),
    logger: parts.logger,
  });
  return { runtime, service, api };
}
