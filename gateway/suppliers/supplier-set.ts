import type { Supplier, SupplierSettings } from './index.js';

/** What changed when a set of supplier settings was put in service. */
export interface SupplierChanges {
  readonly added: readonly string[];
  /** Same name, new endpoint: a fresh supplier (transport and breaker) replaced the old one. */
  readonly replaced: readonly string[];
  readonly removed: readonly string[];
}

/**
 * The suppliers the gateway calls now, by name. The registry changes it at run time; everything else
 * reads it per call, so a supplier added here is routed to at once, and one replaced or removed here
 * finishes the calls it has under way before it closes (Supplier.retire), so a swap fails nobody.
 */
export class SupplierSet {
  private readonly byName = new Map<string, Supplier>();
  private readonly addedListeners = new Set<(supplier: Supplier) => void>();
  private readonly retiring = new Set<Promise<void>>();

  constructor(
    private readonly create: (settings: SupplierSettings) => Supplier,
    /** How long a retired supplier may take to finish its calls (its timeout, with room to spare). */
    private readonly retireGraceMs: number,
  ) {}

  list(): readonly Supplier[] {
    return [...this.byName.values()];
  }

  get(name: string): Supplier | undefined {
    return this.byName.get(name);
  }

  /** Told of every supplier put in service, now and later (metrics, the ops event stream). */
  onAdded(listener: (supplier: Supplier) => void): void {
    this.addedListeners.add(listener);
  }

  /**
   * Makes the set match `settings`: new names are created, a changed endpoint or domain gets a fresh
   * supplier, names no longer listed are retired (unless `retireMissing` is false: routing may still name
   * them until the directory changes). Suppliers whose settings did not change are untouched
   * (their breaker state and figures carry on).
   */
  apply(
    settings: readonly SupplierSettings[],
    options: { readonly retireMissing: boolean } = { retireMissing: true },
  ): SupplierChanges {
    const wanted = new Map(settings.map((s) => [s.name, s]));
    const changes = { added: [] as string[], replaced: [] as string[], removed: [] as string[] };
    for (const [name, current] of this.byName) {
      if (options.retireMissing && !wanted.has(name)) {
        this.byName.delete(name);
        this.retire(current);
        changes.removed.push(name);
      }
    }
    for (const s of settings) {
      const current = this.byName.get(s.name);
      if (current && current.url === s.url && current.domain === s.domain) continue;
      const supplier = this.create(s);
      this.byName.set(s.name, supplier);
      if (current) this.retire(current);
      (current ? changes.replaced : changes.added).push(s.name);
      for (const listener of this.addedListeners) listener(supplier);
    }
    return changes;
  }

  /** Resolves when every supplier retired so far has closed. */
  async settled(): Promise<void> {
    await Promise.all(this.retiring);
  }

  async close(): Promise<void> {
    await Promise.all([...this.byName.values()].map((s) => s.close()));
    this.byName.clear();
    await this.settled();
  }

  private retire(supplier: Supplier): void {
    const done = supplier.retire(this.retireGraceMs).finally(() => this.retiring.delete(done));
    this.retiring.add(done);
  }
}
