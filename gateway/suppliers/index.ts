/**
 * Suppliers as the gateway sees them: one per supplier of the market, each with its HTTP transport, its
 * circuit breaker and probe, and the client that asks it for patients and falls back to its own copies.
 */
import { context, ROOT_CONTEXT } from '@opentelemetry/api';
import type { Clock } from '../../lib/clock.js';
import type { AssertionSigner, ClinicianIdentity } from '../auth/index.js';
import { breakerOptions, SupplierBreaker, type BreakerOptionsInput } from '../breakers/index.js';
import type { EntityCache } from '../cache/index.js';
import { readEntities, requireAnswered } from './classify.js';
import { SupplierClient } from './client.js';
import { IDENTITY_KEY } from './identity.js';
import { NO_SUPPLIER_OBSERVER, type SupplierObserver } from './observer.js';
import { HttpTransport } from './transport.js';

export { SupplierClient, type SupplierAnswer, type SupplierFetch } from './client.js';
export { SupplierSet, type SupplierChanges } from './supplier-set.js';
export { readEntities, requireAnswered, type EntityAnswer } from './classify.js';
export { IDENTITY_KEY, IdentitySelection, type PreparedOperation } from './identity.js';
export { HttpTransport } from './transport.js';
export { NO_SUPPLIER_OBSERVER, type CallOutcome, type SupplierObserver } from './observer.js';

export interface SupplierSettings {
  readonly name: string;
  /** The record domain whose contract it serves. */
  readonly domain: string;
  readonly url: string;
  readonly breaker: BreakerOptionsInput;
  readonly connections: number;
  readonly maxResponseBytes: number;
  /** See SupplierClientParts.freshForMs; 0 (the default) keeps every answer live. */
  readonly freshForMs?: number;
}

export interface Supplier {
  readonly name: string;
  readonly domain: string;
  readonly url: string;
  readonly breaker: SupplierBreaker;
  readonly client: SupplierClient;
  /** Closes at once (the gateway is stopping). */
  close(): Promise<void>;
  /**
   * Takes the supplier out of service without failing anyone: waits until no call through it is under way
   * (at most `graceMs`), then closes. Used when the registry replaces or removes it.
   */
  retire(graceMs: number): Promise<void>;
}

const PROBE_QUERY = `query Probe($representations: [_Any!]!) { _entities(representations: $representations) { ... on Patient { ${IDENTITY_KEY}: nhsNumber } } }`;

const PROBE_IDENTITY: ClinicianIdentity = {
  userId: 'gateway-breaker-probe',
  role: 'SYSTEM',
  org: 'GATEWAY',
  source: 'development',
};

export interface SupplierDependencies {
  readonly clock: Clock;
  readonly cache: EntityCache;
  /** Signs the assertion every call carries, so the supplier knows who is asking. */
  readonly assertions: AssertionSigner;
  readonly observer?: SupplierObserver;
}

export function createSupplier(settings: SupplierSettings, deps: SupplierDependencies): Supplier {
  const transport = new HttpTransport(settings.url, {
    connections: settings.connections,
    maxResponseBytes: settings.maxResponseBytes,
  });
  // Validated once here (the breaker takes the same options), so the probe patient has one default.
  const options = breakerOptions(settings.name, settings.breaker);
  const probeBody = JSON.stringify({
    query: PROBE_QUERY,
    variables: { representations: [{ __typename: 'Patient', nhsNumber: options.probeNhsNumber }] },
  });
  // The probe is the gateway's own traffic: it says so, rather than borrowing a clinician's identity.
  const probeHeaders = () => ({
    'x-request-id': 'breaker-probe',
    authorization: `Bearer ${deps.assertions.sign(PROBE_IDENTITY, 'breaker-probe', settings.name)}`,
  });
  const breaker = new SupplierBreaker(settings.name, options, {
    clock: deps.clock,
    // A lookup of one test patient: "no record" is a healthy answer; anything readEntities rejects is not.
    // Run outside any trace: the breaker's timers keep the context of the request that set them, and a
    // probe seconds later is not part of that clinician's request.
    probe: (signal) =>
      context.with(ROOT_CONTEXT, async () =>
        requireAnswered(
          readEntities(await transport.post(probeBody, probeHeaders(), signal), [options.probeNhsNumber]),
        ),
      ),
  });
  const client = new SupplierClient({
    name: settings.name,
    domain: settings.domain,
    breaker,
    transport,
    cache: deps.cache,
    assertions: deps.assertions,
    observer: deps.observer ?? NO_SUPPLIER_OBSERVER,
    freshForMs: settings.freshForMs ?? 0,
    now: () => deps.clock.now(),
  });
  return {
    name: settings.name,
    domain: settings.domain,
    url: settings.url,
    breaker,
    client,
    close: async () => {
      breaker.shutdown();
      await transport.close();
    },
    retire: async (graceMs) => {
      let timer: unknown;
      const graceOver = new Promise<void>((resolve) => (timer = deps.clock.setTimeout(resolve, graceMs)));
      try {
        await Promise.race([client.whenIdle().then(() => transport.drain()), graceOver]);
      } finally {
        deps.clock.clearTimeout(timer);
        breaker.shutdown();
        await transport.close();
      }
    },
  };
}
