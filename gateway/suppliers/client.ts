import type { GraphQLFormattedError } from 'graphql';
import type { AssertionSigner } from '../auth/index.js';
import { SupplierFailure, type FailureReason, type SupplierBreaker } from '../breakers/index.js';
import type { CachedEntity, EntityCache } from '../cache/index.js';
import type { GatewayContext } from '../context.js';
import { readEntities, requireAnswered, type EntityAnswer } from './classify.js';
import type { PreparedOperation } from './identity.js';
import type { SupplierObserver } from './observer.js';
import { SupplierCallSpan } from './tracing.js';
import type { HttpTransport } from './transport.js';

/** What one supplier gave for one patient. */
export type SupplierAnswer =
  /** Its answer; `errors` are on the entity's own fields (paths start below the entity). */
  | {
      readonly kind: 'live';
      readonly entity: Record<string, unknown>;
      readonly errors: readonly GraphQLFormattedError[];
      /** Set when the optional freshness window answered from a recent copy instead of asking. */
      readonly receivedAt?: number;
    }
  /** An answer about the patient rather than a failure (NO_RECORD_FOUND, ACCESS_DENIED): it is healthy. */
  | { readonly kind: 'refused'; readonly errors: readonly GraphQLFormattedError[] }
  /** Its last-known-good copy, because it could not answer (and why it could not). */
  | {
      readonly kind: 'stale';
      readonly entity: unknown;
      readonly receivedAt: number;
      readonly reason: FailureReason;
    }
  /** Nothing: it could not answer and no usable copy exists. */
  | { readonly kind: 'unavailable'; readonly reason: FailureReason };

/** One supplier call: the operation (prepared once), the patients, and the cache selection it belongs to. */
export interface SupplierFetch {
  readonly context: GatewayContext;
  readonly operation: PreparedOperation;
  readonly operationName: string | undefined;
  /** The operation's variables other than `representations`. */
  readonly variables: Readonly<Record<string, unknown>>;
  readonly selection: string;
  readonly nhsNumbers: readonly string[];
}

export interface SupplierClientParts {
  readonly name: string;
  /** The record domain it serves (on its trace spans). */
  readonly domain: string;
  readonly breaker: SupplierBreaker;
  readonly transport: HttpTransport;
  readonly cache: EntityCache;
  readonly assertions: AssertionSigner;
  readonly observer: SupplierObserver;
  /**
   * Optional load shedding: when every asked patient has a copy younger than this, answer from the cache
   * without calling the supplier (labelled LIVE, with the copy's age as `asOf`). 0: off, always live.
   */
  readonly freshForMs: number;
  readonly now: () => number;
}

const cacheable = (context: GatewayContext, n: string) =>
  context.patients.get(n)?.confidentiality === 'UNRESTRICTED';

/** An error's path below its entity: `['_entities', 3, 'medications', 0]` -> `['medications', 0]`. */
const belowEntity = (e: GraphQLFormattedError): GraphQLFormattedError => ({
  ...e,
  path: e.path?.[0] === '_entities' ? e.path.slice(2) : [],
});

/**
 * The gateway's link to one supplier. Every call goes through the supplier's breaker (with its aborting
 * timeout) and carries an assertion signed for this supplier; each live answer is checked patient by patient
 * and remembered in the supplier's own cache partition; for each patient it could not answer for, its
 * last-known-good copy stands in, or nothing. It never throws: routing always gets an answer per patient.
 */
export class SupplierClient {
  /** Calls under way, and who waits for there to be none (a retired supplier closes when idle). */
  private active = 0;
  private readonly idleWaiters: (() => void)[] = [];

  constructor(private readonly parts: SupplierClientParts) {}

  /** Resolves once no call is under way (at once if none is). */
  whenIdle(): Promise<void> {
    if (this.active === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  get name(): string {
    return this.parts.name;
  }

  get breaker(): SupplierBreaker {
    return this.parts.breaker;
  }

  async fetch(request: SupplierFetch): Promise<readonly SupplierAnswer[]> {
    this.active++;
    try {
      return await this.ask(request);
    } finally {
      if (--this.active === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
    }
  }

  private async ask(request: SupplierFetch): Promise<readonly SupplierAnswer[]> {
    const { context, nhsNumbers } = request;
    if (this.parts.freshForMs > 0 && this.parts.breaker.state === 'CLOSED') {
      const fresh = await this.freshCopies(request);
      if (fresh) return fresh;
    }
    const variables = {
      ...request.variables,
      representations: nhsNumbers.map((nhsNumber) => ({ __typename: 'Patient', nhsNumber })),
    };
    const name = request.operationName ? `,"operationName":${JSON.stringify(request.operationName)}` : '';
    const body = `${request.operation.bodyPrefix}${JSON.stringify(variables)}${name}}`;
    // The real user reaches every supplier (never a generic system identity), as NHS governance requires,
    // in an assertion the gateway signs and the supplier verifies.
    const assertion = this.parts.assertions.sign(context.identity, context.requestId, this.parts.name);
    const headers = { 'x-request-id': context.requestId, authorization: `Bearer ${assertion}` };
    let answers: readonly (EntityAnswer | undefined)[];
    let failure: SupplierFailure | undefined;
    const span = new SupplierCallSpan({
      supplier: this.parts.name,
      domain: this.parts.domain,
      url: this.parts.transport.url,
      breaker: this.parts.breaker.state,
      patients: nhsNumbers.length,
    });
    const started = performance.now();
    try {
      answers = await span.within(() =>
        this.parts.breaker.execute(async (signal) => {
          const response = await this.parts.transport.post(body, headers, signal);
          span.httpStatus(response.status);
          return requireAnswered(readEntities(response, nhsNumbers));
        }),
      );
    } catch (error) {
      failure =
        error instanceof SupplierFailure ? error : new SupplierFailure('SUPPLIER_ERROR', String(error));
      const partial = (failure.partial ?? new Map()) as ReadonlyMap<number, EntityAnswer>;
      answers = nhsNumbers.map((_, i) => partial.get(i));
    }
    const outcome = failure === undefined ? 'success' : failure.counts ? 'failure' : 'rejected';
    span.end(outcome, failure?.reason);
    this.parts.observer.called(this.parts.name, outcome, failure?.reason, performance.now() - started);
    return this.settle(request, answers, failure?.reason ?? 'SUPPLIER_ERROR');
  }

  /** This supplier's usable copies of these patients, in order (restricted patients never have any). */
  async recall(context: GatewayContext, selection: string, nhsNumbers: readonly string[]) {
    const byPatient = await this.copiesByPatient(context, selection, nhsNumbers);
    return nhsNumbers.map((n) => byPatient.get(n));
  }

  /** The same copies by NHS number (a patient without one is absent or undefined). */
  private async copiesByPatient(
    context: GatewayContext,
    selection: string,
    nhsNumbers: readonly string[],
  ): Promise<ReadonlyMap<string, CachedEntity | undefined>> {
    const asked = nhsNumbers.filter((n) => cacheable(context, n));
    if (asked.length === 0) return new Map();
    const copies = await this.parts.cache.recall(this.parts.name, selection, asked);
    return new Map(asked.map((n, i) => [n, copies[i]]));
  }

  /** Drops this supplier's copy of a patient's answer to this selection (another supplier now answers). */
  forget(selection: string, nhsNumber: string): void {
    this.parts.cache.forget(this.parts.name, selection, nhsNumber);
  }

  /** Copies for every asked patient within the freshness window, or undefined (then the supplier is asked). */
  private async freshCopies(request: SupplierFetch): Promise<SupplierAnswer[] | undefined> {
    if (request.nhsNumbers.some((n) => !cacheable(request.context, n))) return undefined;
    const copies = await this.parts.cache.recall(this.parts.name, request.selection, request.nhsNumbers);
    const now = this.parts.now();
    const fresh = copies.filter(
      (c): c is CachedEntity => c !== undefined && now - c.receivedAt <= this.parts.freshForMs,
    );
    if (fresh.length !== request.nhsNumbers.length) return undefined;
    return fresh.map((c) => ({
      kind: 'live',
      entity: c.entity as Record<string, unknown>,
      errors: [],
      receivedAt: c.receivedAt,
    }));
  }

  /**
   * Each patient's answer: live ones are remembered (when the patient may be cached); a refusal drops the
   * older copy (a withdrawn consent is never undone by an outage); the rest get their copy, or nothing.
   */
  private async settle(
    request: SupplierFetch,
    answers: readonly (EntityAnswer | undefined)[],
    reason: FailureReason,
  ): Promise<SupplierAnswer[]> {
    const { context, selection, nhsNumbers } = request;
    const missing = nhsNumbers.filter((_, i) => answers[i] === undefined || answers[i].kind === 'failed');
    const copies = await this.copiesByPatient(context, selection, missing);
    const fresh: { nhsNumber: string; entity: unknown }[] = [];
    const settled = nhsNumbers.map((nhsNumber, i): SupplierAnswer => {
      const answer = answers[i];
      if (answer?.kind === 'entity') {
        if (answer.errors.length === 0 && cacheable(context, nhsNumber))
          fresh.push({ nhsNumber, entity: answer.entity });
        return { kind: 'live', entity: answer.entity, errors: answer.errors.map(belowEntity) };
      }
      if (answer?.kind === 'refused') {
        if (cacheable(context, nhsNumber)) this.forget(selection, nhsNumber);
        return { kind: 'refused', errors: answer.errors.map(belowEntity) };
      }
      const copy = copies.get(nhsNumber);
      return copy
        ? { kind: 'stale', entity: copy.entity, receivedAt: copy.receivedAt, reason }
        : { kind: 'unavailable', reason };
    });
    this.parts.cache.remember(this.parts.name, selection, fresh);
    return settled;
  }
}
