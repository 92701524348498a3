import { compose, PATIENT_INDEX, subgraphSdl, withContract, type Composition } from '../../schema/index.js';
import type { Market, MarketDomain, MarketSupplier } from '../directory/index.js';
import { activeSpec, type DomainEntrySpec, type RegistryState, type SupplierEntrySpec } from './entries.js';

/** What the gateway was configured with: the market file and the committed supergraph and domain SDL. */
export interface Bootstrap {
  readonly market: Market;
  /** Each configured domain's own SDL (schema/domains/). */
  readonly domainSdl: ReadonlyMap<string, string>;
  /** The committed supergraph, composed from exactly those. */
  readonly supergraphSdl: string;
}

/** The market and the domain contracts in service for a registry state. */
export interface Effective {
  readonly market: Market;
  readonly domainSdl: ReadonlyMap<string, string>;
}

const specs = <K extends 'supplier' | 'domain'>(state: RegistryState, kind: K) =>
  Object.values(state.entries)
    .filter((e) => e.key.startsWith(`${kind}/`))
    .map((e) => ({ key: e.key, name: e.key.slice(kind.length + 1), spec: activeSpec(e) }))
    .sort((a, b) => a.key.localeCompare(b.key)) as {
    key: string;
    name: string;
    spec: (K extends 'supplier' ? SupplierEntrySpec : DomainEntrySpec) | undefined;
  }[];

/**
 * The configured market with each entry's version in service laid over it: a supplier entry replaces or
 * adds that supplier (and declares its new organisations), a domain entry replaces or adds that domain
 * and its contract. An entry at version 0 leaves the configured definition (or nothing) in place.
 */
export function effective(bootstrap: Bootstrap, state: RegistryState): Effective {
  const domains = new Map<string, MarketDomain>(bootstrap.market.domains.map((d) => [d.name, d]));
  const domainSdl = new Map(bootstrap.domainSdl);
  for (const { spec } of specs(state, 'domain')) {
    if (!spec) continue;
    domains.set(spec.name, {
      name: spec.name,
      serves: spec.serves,
      ...(spec.fallback ? { fallback: spec.fallback } : {}),
    });
    domainSdl.set(spec.name, spec.sdl);
  }
  const suppliers = new Map<string, MarketSupplier>(bootstrap.market.suppliers.map((s) => [s.name, s]));
  const organisations = [...bootstrap.market.organisations];
  const declared = new Set(organisations.map((o) => o.odsCode));
  for (const { name, spec } of specs(state, 'supplier')) {
    if (!spec) {
      const configured = bootstrap.market.suppliers.find((s) => s.name === name);
      if (configured) suppliers.set(name, configured);
      else suppliers.delete(name);
      continue;
    }
    suppliers.set(name, {
      name,
      domain: spec.domain,
      url: spec.url,
      organisations: spec.organisations,
      contact: spec.contact,
    });
    const type = domains.get(spec.domain)?.serves;
    for (const o of spec.newOrganisations) {
      if (declared.has(o.odsCode) || !type) continue;
      declared.add(o.odsCode);
      organisations.push({ odsCode: o.odsCode, name: o.name, type });
    }
  }
  return {
    market: { domains: [...domains.values()], organisations, suppliers: [...suppliers.values()] },
    domainSdl,
  };
}

/** A supergraph composition for a domain in a synthetic URL: the gateway routes each domain itself. */
const domainUrl = (name: string) => `https://${name}.domain.invalid/graphql`;

/**
 * The supergraph for a set of domain contracts: the committed one when they are the configured ones (so a
 * gateway whose registry is empty serves exactly the committed file), else a fresh composition.
 */
export function supergraphFor(bootstrap: Bootstrap, domainSdl: ReadonlyMap<string, string>): Composition {
  const unchanged =
    domainSdl.size === bootstrap.domainSdl.size &&
    [...domainSdl].every(([name, sdl]) => bootstrap.domainSdl.get(name) === sdl);
  if (unchanged) return { ok: true, supergraphSdl: bootstrap.supergraphSdl, hints: [] };
  return compose([
    { name: PATIENT_INDEX, url: 'http://127.0.0.1:4000/patient-index', sdl: subgraphSdl(PATIENT_INDEX) },
    ...[...domainSdl].map(([name, sdl]) => ({ name, url: domainUrl(name), sdl: withContract(sdl) })),
  ]);
}
