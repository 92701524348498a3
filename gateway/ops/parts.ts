import type { Clock } from '../../lib/clock.js';
import type { Logger } from '../../lib/logger.js';
import type { AuditSink } from '../audit/index.js';
import type { Jwks } from '../auth/index.js';
import type { SupplierDirectory } from '../directory/index.js';
import type { GatewayCache } from '../cache/index.js';
import type { GatewayMetrics } from '../observability/index.js';
import type { RegistryApi, RuntimeView } from '../registry/index.js';
import type { SupplierSet } from '../suppliers/index.js';
import type { DecisionStore } from './decisions.js';

/** What the ops surface works on: the gateway's running parts, handed over by the composition root. */
export interface OpsParts {
  readonly replica: string;
  /** The suppliers in service now. */
  readonly suppliers: SupplierSet;
  /** Who serves whom: migrations are checked against it. */
  readonly directory: SupplierDirectory;
  /** Patients with records at any of these organisations, when the patient source can say. */
  readonly patientsAt: (organisations: readonly string[]) => number | undefined;
  /** Every control action is written here too. */
  readonly audit: AuditSink;
  readonly cache: GatewayCache;
  readonly decisions: DecisionStore;
  readonly metrics: GatewayMetrics;
  readonly logger: Logger;
  readonly clock: Clock;
  /** The gateway's public assertion keys, served at /.well-known/jwks.json for suppliers. */
  readonly jwks: Jwks;
  /** The supplier registry: its API (served under /api/registry) and what this replica serves of it. */
  readonly registry: { readonly api: RegistryApi; readonly view: () => RuntimeView };
  /** True once the clinical endpoint serves, false again while stopping. */
  readonly ready: () => boolean;
}
