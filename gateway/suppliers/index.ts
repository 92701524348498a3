/**
 * Supplier subgraphs as the gateway sees them: an HTTP transport, a circuit breaker with its probe, and the
 * data source that serves live, stale or unavailable sections.
 */
import type { Clock } from '../../lib/clock.js';
import { breakerOptions, SupplierBreaker, type BreakerOptionsInput } from '../breakers/index.js';
import type { AssertionSigner, ClinicianIdentity } from '../auth/index.js';
import type { EntityCache } from '../cache/index.js';
import { LocationPolicy } from '../confidentiality/index.js';
import { fieldMarkings } from '../../schema/index.js';
import { readEntities, requireAnswered } from './classify.js';
import { SupplierDataSource } from './data-source.js';
import { IDENTITY_KEY, IdentitySelection } from './identity.js';
import { NO_SUPPLIER_OBSERVER, type SupplierObserver } from './observer.js';
import { HttpTransport } from './transport.js';

export { SupplierDataSource } from './data-source.js';
export { readEntities, requireAnswered, type EntityAnswer } from './classify.js';
export { HttpTransport } from './transport.js';
export { NO_SUPPLIER_OBSERVER, type CallOutcome, type SupplierObserver } from './observer.js';

export interface SupplierSettings {
  readonly name: string;
  readonly url: string;
  /** The subgraph SDL the supplier serves (its domain's contract): which of its fields are marked. */
  readonly sdl: string;
  readonly breaker: BreakerOptionsInput;
  readonly connections: number;
  readonly maxResponseBytes: number;
  /** See SupplierParts.freshForMs; 0 (the default) keeps every answer live. */
  readonly freshForMs?: number;
}

export interface Supplier {
  readonly name: string;
  readonly url: string;
  readonly breaker: SupplierBreaker;
  readonly dataSource: SupplierDataSource;
  close(): Promise<void>;
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
    probe: async (signal) =>
      requireAnswered(
        readEntities(await transport.post(probeBody, probeHeaders(), signal), [options.probeNhsNumber]),
      ),
  });
  const dataSource = new SupplierDataSource({
    name: settings.name,
    breaker,
    transport,
    cache: deps.cache,
    identity: new IdentitySelection(),
    assertions: deps.assertions,
    location: new LocationPolicy(fieldMarkings(settings.sdl)),
    observer: deps.observer ?? NO_SUPPLIER_OBSERVER,
    freshForMs: settings.freshForMs ?? 0,
    now: () => deps.clock.now(),
  });
  return {
    name: settings.name,
    url: settings.url,
    breaker,
    dataSource,
    close: async () => {
      breaker.shutdown();
      await transport.close();
    },
  };
}
