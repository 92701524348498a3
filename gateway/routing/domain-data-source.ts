import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import type { LocationPolicy } from '../confidentiality/index.js';
import type { GatewayContext } from '../context.js';
import type { MarketDomain, SupplierDirectory, Target } from '../directory/index.js';
import type {
  IdentitySelection,
  SupplierAnswer,
  SupplierClient,
  SupplierFetch,
  SupplierObserver,
} from '../suppliers/index.js';
import { PatientAssembly } from './assembly.js';
import type { EmptyAnswers } from './empty.js';

export interface DomainParts {
  /** The domain's name; what it serves and its fallback are read from the directory on every fetch. */
  readonly domain: string;
  readonly directory: SupplierDirectory;
  /** The client of a supplier of the market, by name. */
  readonly client: (supplier: string) => SupplierClient | undefined;
  readonly identity: IdentitySelection;
  /** Which of this domain's fields are withheld for restricted patients. */
  readonly location: LocationPolicy;
  readonly empty: EmptyAnswers;
  /** The cache selection an operation belongs to (its text, the asking organisation, other variables). */
  readonly selectionOf: (text: string) => string;
  readonly observer: SupplierObserver;
  readonly now: () => number;
}

type Representation = { __typename: string; nhsNumber: string };

/** Where one patient's records for this domain are: the suppliers to ask, and organisations nobody serves. */
interface Route {
  readonly nhsNumber: string;
  readonly targets: readonly Target[];
  readonly notServed: readonly string[];
  readonly confidential: boolean;
}

/**
 * One record domain (a subgraph of the supergraph) over the market of suppliers that serve it. Federation
 * routes by field, never by key; this data source routes each patient of an `_entities` fetch to their own
 * suppliers — the supplier of their registered practice (GP), every trust the record locator lists
 * (hospital) — asks each supplier once for all its patients, in parallel, through its own breaker, then
 * answers the gateway with one entity per representation, in the order asked, as the gateway requires.
 * Per patient, in order of preference: each supplier's live answer; its own last-known-good copy; after a
 * migration, the previous supplier's copy (labelled as that supplier's); the domain's national fallback.
 */
export class DomainDataSource implements GraphQLDataSource<GatewayContext> {
  constructor(private readonly parts: DomainParts) {}

  async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<GatewayGraphQLResponse> {
    const domain = this.parts.domain;
    const market = this.parts.directory.domain(domain);
    if (!market) return { errors: [{ message: `domain ${domain} is not in the market` }] };
    if (!('incomingRequestContext' in options)) {
      return { errors: [{ message: `domain ${domain} serves planned entity fetches only` }] };
    }
    const { request, context } = options;
    const { representations, ...variables } = (request.variables ?? {}) as {
      representations?: Representation[];
    };
    if (!Array.isArray(representations)) {
      // Domains resolve Patient references only (schema/contract.graphql); nothing else is planned to them.
      return { errors: [{ message: `unexpected non-entity operation for domain ${domain}` }] };
    }
    const operation = this.parts.identity.operationFor(request.query ?? '', options.document);
    // A copy is kept per asking organisation: what a supplier let one organisation see (a legitimate
    // relationship, consent) is never served stale to another.
    const extra = Object.keys(variables).length === 0 ? '' : `\n${JSON.stringify(variables)}`;
    const fetch = {
      context,
      operation,
      operationName: request.operationName ?? undefined,
      variables,
      selection: this.parts.selectionOf(`${operation.text}\norg:${context.identity.org}${extra}`),
    };
    const routes = representations.map((r) => this.route(market, context, r.nhsNumber));
    const assembly = new PatientAssembly(domain, routes);
    await this.askTargets(fetch, routes, assembly);
    await this.askFallback(market, fetch, routes, assembly);
    routes.forEach((route, i) => {
      if (route.targets.length === 0 && route.notServed.length === 0 && !assembly.hasEntity(i)) {
        // Listed at no organisation of this domain (never seen at any trust): nothing to ask, nothing held.
        assembly.addEntity(i, this.parts.empty.for(operation.text, operation.document, route.nhsNumber));
      }
      if (route.notServed.length > 0) assembly.notServed(i, route.notServed);
    });
    const outcomes = assembly.outcomes();
    for (const outcome of outcomes) context.availability.record(outcome, this.breakerState(outcome.supplier));
    this.parts.observer.served(outcomes);
    const plan = this.parts.location.planFor(operation.text, operation.document);
    return assembly.response(plan);
  }

  private route(domain: MarketDomain, context: GatewayContext, nhsNumber: string): Route {
    const patient = context.patients.get(nhsNumber);
    const organisations = patient?.locations[domain.serves] ?? [];
    const { targets, notServed } = this.parts.directory.targets(organisations);
    return { nhsNumber, targets, notServed, confidential: patient?.confidentiality !== 'UNRESTRICTED' };
  }

  /** Each target supplier once, for every patient it serves; then predecessors' copies where needed. */
  private async askTargets(
    fetch: Omit<SupplierFetch, 'nhsNumbers'>,
    routes: readonly Route[],
    assembly: PatientAssembly,
  ) {
    const bySupplier = new Map<string, number[]>();
    routes.forEach((route, i) => {
      for (const t of route.targets) {
        const patients = bySupplier.get(t.supplier);
        if (patients) patients.push(i);
        else bySupplier.set(t.supplier, [i]);
      }
    });
    await Promise.all(
      [...bySupplier].map(async ([supplier, patients]) => {
        const answers = await this.ask(
          supplier,
          fetch,
          patients.map((i) => routes[i]!.nhsNumber),
        );
        patients.forEach((i, k) => {
          const target = routes[i]!.targets.find((t) => t.supplier === supplier)!;
          assembly.answer(i, target, answers[k]!);
        });
      }),
    );
    // After a migration: the new supplier has no copy yet, so the old one's may stand in, labelled as its.
    await Promise.all(
      routes.flatMap((route, i) =>
        route.targets.map(async (target) => {
          if (!target.previous) return;
          const previous = this.parts.client(target.previous);
          if (assembly.answered(i, target.supplier)) {
            // The new supplier has answered for this patient: the old copy is not needed any more.
            previous?.forget(fetch.selection, route.nhsNumber);
            return;
          }
          if (!assembly.needsCopy(i, target.supplier) || !previous) return;
          const [copy] = await previous.recall(fetch.context, fetch.selection, [route.nhsNumber]);
          if (copy) assembly.previousCopy(i, target, copy);
        }),
      ),
    );
  }

  /** The domain's national fallback, once, for every patient nothing else could be shown for. */
  private async askFallback(
    domain: MarketDomain,
    fetch: Omit<SupplierFetch, 'nhsNumbers'>,
    routes: readonly Route[],
    assembly: PatientAssembly,
  ) {
    const fallback = domain.fallback;
    if (!fallback) return;
    const patients = routes.flatMap((route, i) =>
      (route.targets.length > 0 || route.notServed.length > 0) && !assembly.hasEntity(i) ? [i] : [],
    );
    if (patients.length === 0) return;
    const answers = await this.ask(
      fallback,
      fetch,
      patients.map((i) => routes[i]!.nhsNumber),
    );
    patients.forEach((i, k) => assembly.fallback(i, fallback, answers[k]!, this.parts.now()));
  }

  private async ask(
    supplier: string,
    fetch: Omit<SupplierFetch, 'nhsNumbers'>,
    nhsNumbers: readonly string[],
  ) {
    const client = this.parts.client(supplier);
    if (!client)
      return nhsNumbers.map((): SupplierAnswer => ({ kind: 'unavailable', reason: 'SUPPLIER_ERROR' }));
    return client.fetch({ ...fetch, nhsNumbers });
  }

  private breakerState(supplier: string) {
    return this.parts.client(supplier)?.breaker.state ?? 'CLOSED';
  }
}
