import type { Logger } from '../../lib/logger.js';
import type { Market, MarketSupplier, SupplierDirectory } from '../directory/index.js';
import type { GenerationView, SupergraphGenerations, SupergraphSpec } from '../supergraph/index.js';
import type { SupplierSet, SupplierSettings } from '../suppliers/index.js';
import type { Bootstrap } from './effective.js';
import type { RegistryState } from './entries.js';
import type { LastKnownGood } from './last-known-good.js';
import { servedBy } from './start.js';
import type { RegistryStore } from './store.js';

/** What a replica serves: a registry state, and the market and supergraph it gives. */
export interface Served {
  readonly state: RegistryState;
  readonly market: Market;
  readonly supergraph: SupergraphSpec;
}

/** The parts of the running gateway a registry change touches. */
export interface RuntimeParts {
  readonly bootstrap: Bootstrap;
  readonly store: RegistryStore;
  readonly lastKnownGood: LastKnownGood;
  readonly suppliers: SupplierSet;
  readonly directory: SupplierDirectory;
  readonly generations: SupergraphGenerations;
  /** Connection and breaker settings for a supplier of the market. */
  readonly settingsFor: (supplier: MarketSupplier) => SupplierSettings;
  readonly replica: string;
  readonly logger: Logger;
  readonly now: () => number;
}

/** What the ops console shows of the registry on this replica. */
export interface RuntimeView {
  readonly source: string;
  /** The registry revision this replica serves. */
  readonly revision: number;
  readonly appliedAt: string | null;
  readonly supergraph: GenerationView | undefined;
  /** Why the latest revision could not be applied, if it could not (the previous one stays in service). */
  readonly problem: string | null;
}

/**
 * Applies registry states to the running gateway, one at a time, in an order that never leaves a
 * request without a supplier: new and replaced suppliers first, then the directory (routing), then the
 * supergraph (loaded and warmed before it takes traffic), and only then are removed suppliers retired,
 * after their calls in flight. Each applied state is written to disk as this replica's last-known-good.
 */
export class RegistryRuntime {
  private applying: Promise<void> = Promise.resolve();
  private revision = -1;
  private appliedAt: number | undefined;
  private problem: string | null = null;

  constructor(private readonly parts: RuntimeParts) {}

  /**
   * Applies `state`, after any application under way. Rejects when it could not be applied: the state
   * served before stays in service whole (suppliers, routing and supergraph), and `view().problem` says why.
   */
  apply(state: RegistryState): Promise<void> {
    const run = this.applying.then(() => this.applyNow(state));
    this.applying = run.catch(() => undefined);
    return run;
  }

  /** Records what was served at start-up as applied (it was built before the gateway started). */
  async started(served: Served): Promise<void> {
    this.revision = served.state.revision;
    this.appliedAt = this.parts.now();
    // Serving the last-known-good copy: it is already on disk, and Redis is not there to be told.
    if (this.parts.store.source !== 'last-known-good') await this.remember(served);
  }

  view(): RuntimeView {
    return {
      source: this.parts.store.source,
      revision: this.revision,
      appliedAt: this.appliedAt === undefined ? null : new Date(this.appliedAt).toISOString(),
      supergraph: this.parts.generations.view(),
      problem: this.problem,
    };
  }

  private async applyNow(state: RegistryState): Promise<void> {
    if (state.revision === this.revision) return;
    const served = servedBy(this.parts.bootstrap, state);
    if ('problem' in served) {
      // Gates stop such a state being written; one arriving anyway (edited by hand) is not served.
      this.problem = `revision ${state.revision} not applied: ${served.problem}`;
      this.parts.logger.error({ revision: state.revision }, `registry: ${this.problem}`);
      throw new Error(this.problem);
    }
    const { market, supergraph: next } = served;
    const settings = market.suppliers.map((s) => this.parts.settingsFor(s));
    const before = this.parts.directory.market;
    const previous = before.suppliers.map((s) => this.parts.settingsFor(s));
    const added = this.parts.suppliers.apply(settings, { retireMissing: false });
    this.parts.directory.replace(market);
    let supergraph;
    try {
      supergraph = await this.parts.generations.swap(next);
    } catch (error) {
      // Put routing and the supplier set back as they were: the supergraph in service still matches them.
      this.parts.directory.replace(before);
      this.parts.suppliers.apply(previous);
      this.problem = `revision ${state.revision} not applied: the supergraph could not be loaded (${(error as Error).message})`;
      this.parts.logger.error(
        { revision: state.revision, err: (error as Error).message },
        `registry: ${this.problem}`,
      );
      throw error;
    }
    const { removed } = this.parts.suppliers.apply(settings);
    this.revision = state.revision;
    this.appliedAt = this.parts.now();
    this.problem = null;
    this.parts.logger.info(
      {
        revision: state.revision,
        added: added.added,
        replaced: added.replaced,
        removed,
        supergraph: supergraph.generation,
        plansWarmed: supergraph.plansWarmed,
      },
      'registry: revision applied',
    );
    await this.remember(served);
  }

  /** Writes the last-known-good copy and tells the other replicas which revision this one serves. */
  private async remember({ state, market, supergraph }: Served): Promise<void> {
    try {
      await this.parts.lastKnownGood.write({
        state,
        market,
        supergraphSdl: supergraph.sdl,
        domainSdl: Object.fromEntries(supergraph.domainSdl),
        savedAt: new Date(this.parts.now()).toISOString(),
        replica: this.parts.replica,
      });
    } catch (error) {
      this.parts.logger.warn(
        { err: (error as Error).message, file: this.parts.lastKnownGood.file },
        'registry: could not write the last-known-good copy',
      );
    }
    await this.parts.store.acknowledge(state.revision);
  }
}
