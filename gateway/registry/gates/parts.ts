import type { OperationUse } from '../../usage/index.js';
import type { Bootstrap, Effective } from '../effective.js';
import type { EntrySpec, GateName } from '../entries.js';

/** What the gates need from the running gateway. */
export interface GateParts {
  readonly bootstrap: Bootstrap;
  readonly usage: { since(at: number): Promise<readonly OperationUse[]> };
  /** A signed assertion for `audience`, from the gateway's conformance identity. */
  readonly sign: (audience: string) => string;
  /** How long an endpoint has to answer the health check: the breaker's call timeout. */
  readonly healthTimeoutMs: number;
  readonly latencyBudgetMs: number;
  /** How far back a recorded operation counts as in use. */
  readonly usageWindowMs: number;
  readonly now: () => number;
  /** Why the gateway may not call this endpoint URL (undefined: it may). */
  readonly endpointRefusal: (url: string) => string | undefined;
}

/** A candidate entry, with the market and contracts in service now and if it went live. */
export interface Candidate {
  readonly spec: EntrySpec;
  readonly live: Effective;
  readonly next: Effective;
  /** Each checked supplier's SDL, as its endpoint serves it (filled in by the health gate). */
  readonly served: Map<string, string>;
}

/** Every code a gate refuses with (docs/registry.md explains each; a test keeps the two in step). */
export const GATE_CODES = [
  'RESERVED_NAME',
  'ENDPOINT_NOT_ALLOWED',
  'UNKNOWN_DOMAIN',
  'MARKET_CONFLICT',
  'INVALID_SDL',
  'CONTRACT_VIOLATION',
  'COMPOSITION_FAILED',
  'ENDPOINT_UNREACHABLE',
  'ASSERTION_NOT_ACCEPTED',
  'ENDPOINT_UNHEALTHY',
  'SUPPLIERS_NOT_READY',
  'BREAKING_CHANGE_IN_USE',
  'CONTRACT_NOT_IMPLEMENTED',
  'CONFORMANCE_FAILED',
  /** A gate itself failed (a bug, or SDL that passed the contract checker but does not build). */
  'GATE_ERROR',
] as const;

export type GateCode = (typeof GATE_CODES)[number];

export type Verdict =
  | { readonly status: 'passed' | 'skipped'; readonly message: string; readonly details?: unknown }
  | {
      readonly status: 'failed';
      readonly code: GateCode;
      readonly message: string;
      readonly details?: unknown;
    };

export interface Gate {
  readonly name: GateName;
  run(candidate: Candidate, parts: GateParts): Promise<Verdict>;
}

export const passed = (message: string, details?: unknown): Verdict => ({
  status: 'passed',
  message,
  ...(details === undefined ? {} : { details }),
});
export const failed = (code: GateCode, message: string, details?: unknown): Verdict => ({
  status: 'failed',
  code,
  message,
  ...(details === undefined ? {} : { details }),
});
export const notApplicable = (message: string): Verdict => ({ status: 'skipped', message });

/** The suppliers a candidate's live gates check: the supplier itself, or every supplier of the domain. */
export function suppliersChecked(candidate: Candidate): { name: string; domain: string; url: string }[] {
  const { spec, next } = candidate;
  if (spec.kind === 'supplier') return [{ name: spec.name, domain: spec.domain, url: spec.url }];
  return next.market.suppliers.filter((s) => s.domain === spec.name);
}
