import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import type { GraphQLFormattedError } from 'graphql';
import type { EntityOutcome } from '../availability/index.js';
import { FAILURE_REASONS, SupplierFailure, type SupplierBreaker } from '../breakers/index.js';
import type { AssertionSigner } from '../auth/index.js';
import type { CachedEntity, EntityCache } from '../cache/index.js';
import { withhold, type LocationPolicy, type WithholdPlan } from '../confidentiality/index.js';
import type { GatewayContext } from '../context.js';
import { readEntities, requireAnswered, type EntityAnswer } from './classify.js';
import type { IdentitySelection } from './identity.js';
import type { SupplierObserver } from './observer.js';
import type { HttpTransport } from './transport.js';

export interface SupplierParts {
  readonly name: string;
  readonly breaker: SupplierBreaker;
  readonly transport: HttpTransport;
  readonly cache: EntityCache;
  readonly identity: IdentitySelection;
  readonly assertions: AssertionSigner;
  /** Which fields of this supplier's answers are withheld for restricted patients. */
  readonly location: LocationPolicy;
  readonly observer: SupplierObserver;
  /**
   * Optional load shedding: when every asked patient has a copy younger than this, answer from the cache
   * without calling the supplier (labelled LIVE, with the copy's age as `asOf`). 0: off, always live.
   */
  readonly freshForMs: number;
  readonly now: () => number;
}

type Representation = { __typename: string; nhsNumber: string };

/** Moves a supplier error's path from its `_entities` answer to index `i` of the outgoing `_entities`. */
const atEntity = (error: GraphQLFormattedError, i: number): GraphQLFormattedError => ({
  ...error,
  path: ['_entities', i, ...(error.path?.slice(2) ?? [])],
});

/**
 * The gateway's link to one supplier subgraph. Every `_entities` fetch goes through the supplier's breaker
 * (with its aborting timeout); a live answer is checked patient by patient, returned, and remembered; when
 * the supplier cannot answer for a patient, that patient's last-known-good copy is served instead, or null
 * with SUPPLIER_UNAVAILABLE. It never throws: the gateway always gets an answer it can merge.
 */
export class SupplierDataSource implements GraphQLDataSource<GatewayContext> {
  constructor(private readonly parts: SupplierParts) {}

  async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<GatewayGraphQLResponse> {
    if (!('incomingRequestContext' in options)) {
      return { errors: [{ message: `supplier ${this.parts.name} serves planned entity fetches only` }] };
    }
    const { request, context } = options;
    const { representations, ...otherVariables } = (request.variables ?? {}) as {
      representations?: Representation[];
    };
    if (!Array.isArray(representations)) {
      // Suppliers resolve Patient references only (schema/contract.graphql); nothing else is planned to them.
      return { errors: [{ message: `unexpected non-entity operation for supplier ${this.parts.name}` }] };
    }
    const asked = representations.map((r) => r.nhsNumber);
    const operation = this.parts.identity.operationFor(request.query ?? '', options.document);
    // A copy is kept per asking organisation: what a supplier let one organisation see (a legitimate
    // relationship, consent) is never served stale to another.
    const extra = Object.keys(otherVariables).length === 0 ? '' : `\n${JSON.stringify(otherVariables)}`;
    const selection = this.parts.cache.selectionId(`${operation.text}\norg:${context.identity.org}${extra}`);
    if (this.parts.freshForMs > 0 && this.parts.breaker.state === 'CLOSED') {
      const fresh = await this.freshCopies(context, selection, asked);
      if (fresh) return this.serveFresh(context, asked, fresh);
    }
    const name = request.operationName ? `,"operationName":${JSON.stringify(request.operationName)}` : '';
    const body = `${operation.bodyPrefix}${JSON.stringify(request.variables)}${name}}`;
    // The real user reaches every supplier (never a generic system identity), as NHS governance requires,
    // in an assertion the gateway signs and the supplier verifies.
    const assertion = this.parts.assertions.sign(context.identity, context.requestId, this.parts.name);
    const headers = { 'x-request-id': context.requestId, authorization: `Bearer ${assertion}` };
    let answers: readonly (EntityAnswer | undefined)[];
    let failure: SupplierFailure | undefined;
    const started = performance.now();
    try {
      answers = await this.parts.breaker.execute(async (signal) =>
        requireAnswered(readEntities(await this.parts.transport.post(body, headers, signal), asked)),
      );
    } catch (error) {
      failure =
        error instanceof SupplierFailure ? error : new SupplierFailure('SUPPLIER_ERROR', String(error));
      const partial = (failure.partial ?? new Map()) as ReadonlyMap<number, EntityAnswer>;
      answers = asked.map((_, i) => partial.get(i));
    }
    const outcome = failure === undefined ? 'success' : failure.counts ? 'failure' : 'rejected';
    this.parts.observer.called(this.parts.name, outcome, failure?.reason, performance.now() - started);
    const response = await this.assemble(context, selection, asked, answers, failure);
    return this.withholdForRestricted(
      context,
      asked,
      response,
      this.parts.location.planFor(operation.text, operation.document),
    );
  }

  /** Copies for every asked patient within the freshness window, or undefined (then the supplier is asked). */
  private async freshCopies(
    context: GatewayContext,
    selection: string,
    asked: readonly string[],
  ): Promise<readonly CachedEntity[] | undefined> {
    const window = this.parts.freshForMs;
    if (asked.some((n) => context.patients.get(n) !== 'UNRESTRICTED')) return undefined;
    const copies = await this.parts.cache.recall(this.parts.name, selection, asked);
    const now = this.parts.now();
    const all = copies.filter((c): c is CachedEntity => c !== undefined && now - c.receivedAt <= window);
    return all.length === asked.length ? all : undefined;
  }

  private serveFresh(
    context: GatewayContext,
    asked: readonly string[],
    copies: readonly CachedEntity[],
  ): GatewayGraphQLResponse {
    const outcomes = asked.map((nhsNumber, i): EntityOutcome => ({
      nhsNumber,
      status: 'LIVE',
      receivedAt: copies[i]!.receivedAt,
    }));
    context.availability.record(this.parts.name, this.parts.breaker.state, outcomes);
    this.parts.observer.served(this.parts.name, outcomes);
    return { data: { _entities: copies.map((c) => c.entity) } };
  }

  /**
   * Nulls the fields that reveal where a patient lives, is registered or is treated, for every patient not
   * known to be unrestricted, with one CONFIDENTIAL_WITHHELD error per patient listing what was withheld.
   */
  private withholdForRestricted(
    context: GatewayContext,
    asked: readonly string[],
    response: GatewayGraphQLResponse,
    plan: WithholdPlan,
  ): GatewayGraphQLResponse {
    const entities = response.data?._entities as unknown[] | undefined;
    if (plan.length === 0 || !entities) return response;
    const errors = [...(response.errors ?? [])];
    asked.forEach((nhsNumber, i) => {
      if (context.patients.get(nhsNumber) === 'UNRESTRICTED') return;
      const result = withhold(entities[i], plan);
      if (result.withheld.length === 0) return;
      entities[i] = result.entity;
      errors.push({
        message:
          "withheld: this patient's record is restricted, so details that reveal where they live, are registered or are treated are not shown",
        path: ['_entities', i],
        extensions: { code: 'CONFIDENTIAL_WITHHELD', fields: result.withheld },
      });
    });
    return { ...response, errors };
  }

  /**
   * Builds the `_entities` answer: each patient the supplier answered for is live; each other patient gets
   * their cached copy (STALE, with its age) when one may be served, or null and SUPPLIER_UNAVAILABLE.
   */
  private async assemble(
    context: GatewayContext,
    selection: string,
    asked: readonly string[],
    answers: readonly (EntityAnswer | undefined)[],
    failure: SupplierFailure | undefined,
  ): Promise<GatewayGraphQLResponse> {
    const supplier = this.parts.name;
    const cacheable = (n: string) => context.patients.get(n) === 'UNRESTRICTED';
    // Restricted patients are never cached, so never looked up either.
    const unanswered = asked.filter((n, i) => answers[i] === undefined && cacheable(n));
    const copies = new Map<string, CachedEntity>();
    if (unanswered.length > 0) {
      const recalled = await this.parts.cache.recall(supplier, selection, unanswered);
      unanswered.forEach((n, i) => recalled[i] && copies.set(n, recalled[i]));
    }
    const entities: unknown[] = [];
    const errors: GraphQLFormattedError[] = [];
    const fresh: { nhsNumber: string; entity: unknown }[] = [];
    const outcomes = asked.map((nhsNumber, i): EntityOutcome => {
      const answer = answers[i];
      if (answer !== undefined && answer.kind !== 'failed') {
        entities.push(answer.kind === 'entity' ? answer.entity : null);
        errors.push(...answer.errors.map((e) => atEntity(e, i)));
        if (answer.kind === 'entity' && answer.errors.length === 0 && cacheable(nhsNumber)) {
          fresh.push({ nhsNumber, entity: answer.entity });
        }
        // Refused now (no record, no consent, no relationship): the older copy must never be served.
        if (answer.kind === 'refused' && cacheable(nhsNumber))
          this.parts.cache.forget(supplier, selection, nhsNumber);
        return { nhsNumber, status: 'LIVE' };
      }
      const copy = copies.get(nhsNumber);
      if (copy) {
        entities.push(copy.entity);
        return { nhsNumber, status: 'STALE', receivedAt: copy.receivedAt };
      }
      const reason = failure?.reason ?? 'SUPPLIER_ERROR';
      entities.push(null);
      errors.push({
        message: `${supplier} sections are unavailable: ${FAILURE_REASONS[reason]}, and no usable cached copy exists`,
        path: ['_entities', i],
        extensions: { code: 'SUPPLIER_UNAVAILABLE', reason },
      });
      return { nhsNumber, status: 'UNAVAILABLE' };
    });
    this.parts.cache.remember(supplier, selection, fresh);
    context.availability.record(supplier, this.parts.breaker.state, outcomes, failure?.reason);
    this.parts.observer.served(supplier, outcomes);
    return { data: { _entities: entities }, ...(errors.length > 0 ? { errors } : {}) };
  }
}
