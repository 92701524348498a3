import { z } from 'zod';
import type { BreakerOptionsInput } from '../breakers/index.js';

/**
 * The supplier market as the gateway is told it: which organisations exist, which record domain each kind
 * of organisation belongs to, and which supplier serves which organisations of a domain at which endpoint.
 * It comes from a file (SUPPLIERS_FILE, JSON or YAML) or, in development, from the reference market.
 */
export interface MarketOrganisation {
  readonly odsCode: string;
  readonly name: string;
  /** `practice`, `trust`, ...: which domain's suppliers may serve it (see MarketDomain.serves). */
  readonly type: string;
}

export interface MarketDomain {
  /** The subgraph of the supergraph: `gp`, `hospital`. */
  readonly name: string;
  /** The organisation type its suppliers serve, and how a patient reaches them: their registered practice, or every trust the locator lists. */
  readonly serves: string;
  /** A supplier asked for this domain's patients when their own cannot answer (the national summary record). */
  readonly fallback?: string;
}

export interface MarketSupplier {
  readonly name: string;
  readonly domain: string;
  readonly url: string;
  /** ODS codes it serves; empty for a fallback, which serves everyone. */
  readonly organisations: readonly string[];
  readonly contact?: string;
  readonly breaker?: BreakerOptionsInput;
}

export interface Market {
  readonly domains: readonly MarketDomain[];
  readonly organisations: readonly MarketOrganisation[];
  readonly suppliers: readonly MarketSupplier[];
}

const NAME = /^[a-z][a-z0-9-]{1,62}$/;
export const ODS_CODE = /^[A-Z0-9]{3,10}$/;

/** The shape of a market file; semantic rules (who serves whom) are checked by `marketProblems`. */
export const marketSchema = z.object({
  domains: z.array(
    z.object({
      name: z.string().regex(NAME, 'must be lower-case letters, digits and dashes'),
      serves: z.string().regex(/^[a-z-]{2,32}$/, 'must be an organisation type such as practice or trust'),
      fallback: z.string().regex(NAME, 'must name a supplier').optional(),
    }),
  ),
  organisations: z.array(
    z.object({
      odsCode: z.string().regex(ODS_CODE, 'must be an ODS code (3 to 10 capitals and digits)'),
      name: z.string().min(1).max(200),
      type: z.string().regex(/^[a-z-]{2,32}$/, 'must be an organisation type such as practice or trust'),
    }),
  ),
  suppliers: z.array(
    z.object({
      name: z.string().regex(NAME, 'must be lower-case letters, digits and dashes'),
      domain: z.string(),
      url: z
        .string()
        .refine((v) => URL.canParse(v) && /^https?:$/.test(new URL(v).protocol), 'must be an http(s) URL'),
      organisations: z.array(z.string()).default([]),
      contact: z.string().max(200).optional(),
      /** Breaker options (breakers/options.ts), checked by `breakerOptions` with the supplier's name. */
      breaker: z.record(z.string(), z.unknown()).optional(),
    }),
  ),
});

/** One reason a market is refused, with a documented code (docs/configuration.md#the-supplier-market). */
export interface MarketProblem {
  readonly code:
    | 'UNKNOWN_DOMAIN'
    | 'UNKNOWN_ORGANISATION'
    | 'WRONG_ORGANISATION_TYPE'
    | 'ORGANISATION_CLAIMED_TWICE'
    | 'ORGANISATION_NOT_SERVED'
    | 'DUPLICATE_NAME'
    | 'BAD_FALLBACK';
  readonly message: string;
}

/**
 * Every way a market breaks the rules: a supplier of an unknown domain; an organisation nobody declared,
 * or of another domain's type; two suppliers claiming one organisation; an organisation no supplier
 * serves; two suppliers or organisations with one name; a fallback that is not a supplier of its domain.
 */
export function marketProblems(market: Market): MarketProblem[] {
  const problems: MarketProblem[] = [];
  const domains = new Map(market.domains.map((d) => [d.name, d]));
  const organisations = new Map(market.organisations.map((o) => [o.odsCode, o]));
  const fallbacks = new Set(market.domains.flatMap((d) => (d.fallback ? [d.fallback] : [])));
  const duplicates = (names: readonly string[], what: string) => {
    for (const name of new Set(names.filter((n, i) => names.indexOf(n) !== i))) {
      problems.push({ code: 'DUPLICATE_NAME', message: `${what} "${name}" is declared more than once` });
    }
  };
  duplicates(
    market.suppliers.map((s) => s.name),
    'supplier',
  );
  duplicates(
    market.organisations.map((o) => o.odsCode),
    'organisation',
  );
  duplicates(
    market.domains.map((d) => d.name),
    'domain',
  );
  const servedBy = new Map<string, string>();
  for (const supplier of market.suppliers) {
    const domain = domains.get(supplier.domain);
    if (!domain) {
      problems.push({
        code: 'UNKNOWN_DOMAIN',
        message: `supplier "${supplier.name}" serves domain "${supplier.domain}", which is not one of ${[...domains.keys()].join(', ')}`,
      });
      continue;
    }
    for (const code of supplier.organisations) {
      const organisation = organisations.get(code);
      if (!organisation) {
        problems.push({
          code: 'UNKNOWN_ORGANISATION',
          message: `supplier "${supplier.name}" claims organisation "${code}", which is not declared`,
        });
      } else if (organisation.type !== domain.serves) {
        problems.push({
          code: 'WRONG_ORGANISATION_TYPE',
          message: `supplier "${supplier.name}" of domain ${domain.name} claims ${organisation.type} "${code}"; ${domain.name} suppliers serve ${domain.serves}s`,
        });
      } else if (servedBy.has(code)) {
        problems.push({
          code: 'ORGANISATION_CLAIMED_TWICE',
          message: `organisation "${code}" is claimed by both "${servedBy.get(code)}" and "${supplier.name}"`,
        });
      } else servedBy.set(code, supplier.name);
    }
    if (fallbacks.has(supplier.name) && supplier.organisations.length > 0) {
      problems.push({
        code: 'BAD_FALLBACK',
        message: `supplier "${supplier.name}" is a fallback, so it serves everyone: it must list no organisations`,
      });
    }
  }
  for (const domain of market.domains) {
    const fallback = domain.fallback && market.suppliers.find((s) => s.name === domain.fallback);
    if (domain.fallback && (!fallback || fallback.domain !== domain.name)) {
      problems.push({
        code: 'BAD_FALLBACK',
        message: `domain ${domain.name} names fallback "${domain.fallback}", which is not a supplier of ${domain.name}`,
      });
    }
  }
  for (const organisation of market.organisations) {
    const served = market.domains.some((d) => d.serves === organisation.type);
    if (served && !servedBy.has(organisation.odsCode)) {
      problems.push({
        code: 'ORGANISATION_NOT_SERVED',
        message: `${organisation.type} "${organisation.odsCode}" (${organisation.name}) is served by no supplier`,
      });
    }
  }
  return problems;
}
