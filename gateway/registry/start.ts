import type { Logger } from '../../lib/logger.js';
import { marketProblems } from '../directory/index.js';
import { effective, supergraphFor, type Bootstrap } from './effective.js';
import { EMPTY_REGISTRY, type RegistryState } from './entries.js';
import type { LastKnownGood } from './last-known-good.js';
import type { Served } from './runtime.js';
import type { RegistryStore } from './store.js';

/** What a registry state serves, or why it cannot be served. */
export function servedBy(bootstrap: Bootstrap, state: RegistryState): Served | { problem: string } {
  const { market, domainSdl } = effective(bootstrap, state);
  const problems = marketProblems(market);
  if (problems.length > 0) return { problem: `${problems[0]!.code}: ${problems[0]!.message}` };
  const composition = supergraphFor(bootstrap, domainSdl);
  if (!composition.ok) return { problem: `composition: ${composition.errors[0]}` };
  return { state, market, supergraph: { sdl: composition.supergraphSdl, domainSdl } };
}

/**
 * Where a replica starts: the shared state in Redis; with Redis configured but unreachable, its own
 * last-known-good copy (and it says so); without either, the configured market and committed supergraph.
 * A state that cannot be served (it should never have been written) gives way to the bootstrap.
 */
export async function startingPoint(parts: {
  readonly bootstrap: Bootstrap;
  readonly store: RegistryStore;
  readonly lastKnownGood: LastKnownGood;
  readonly redisConfigured: boolean;
  readonly waitMs: number;
  readonly logger: Logger;
}): Promise<Served> {
  const { bootstrap, store, logger } = parts;
  const read = await parts.lastKnownGood.read();
  if (read && 'problem' in read) logger.warn(`registry: ignoring the last-known-good copy: ${read.problem}`);
  const snapshot = read && !('problem' in read) ? read : undefined;
  await store.start(
    parts.waitMs,
    snapshot
      ? { state: snapshot.state, source: parts.redisConfigured ? 'last-known-good' : 'local' }
      : undefined,
  );
  if (store.source === 'last-known-good' && snapshot) {
    return {
      state: snapshot.state,
      market: snapshot.market,
      supergraph: { sdl: snapshot.supergraphSdl, domainSdl: new Map(Object.entries(snapshot.domainSdl)) },
    };
  }
  const served = servedBy(bootstrap, store.state);
  if ('problem' in served) {
    logger.error(
      `registry: revision ${store.state.revision} cannot be served (${served.problem}); starting from the configured market`,
    );
    return {
      state: EMPTY_REGISTRY,
      market: bootstrap.market,
      supergraph: { sdl: bootstrap.supergraphSdl, domainSdl: bootstrap.domainSdl },
    };
  }
  return served;
}
