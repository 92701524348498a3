import { parse } from 'graphql';
import { checkSupplierContract, withContract } from '../../../schema/index.js';
import { marketProblems } from '../../directory/index.js';
import { supergraphFor } from '../effective.js';
import { failed, notApplicable, passed, type Gate } from './parts.js';

/** Names that would clash with the gateway's own paths, keys and subgraphs. */
const RESERVED = new Set(['ops', 'registry', 'usage', 'control', 'patient-index', 'gateway']);

/** The candidate leaves a valid market: a known domain, declared organisations each served once. */
export const marketGate: Gate = {
  name: 'market',
  async run({ spec, next }, parts) {
    if (RESERVED.has(spec.name)) return failed('RESERVED_NAME', `"${spec.name}" is reserved by the gateway`);
    const refusal = spec.kind === 'supplier' ? parts.endpointRefusal(spec.url) : undefined;
    if (refusal) return failed('ENDPOINT_NOT_ALLOWED', refusal);
    if (spec.kind === 'supplier' && !next.market.domains.some((d) => d.name === spec.domain)) {
      const known = next.market.domains.map((d) => d.name).join(', ');
      return failed('UNKNOWN_DOMAIN', `domain "${spec.domain}" is not registered (domains: ${known})`);
    }
    const problems = marketProblems(next.market);
    if (problems.length > 0) return failed('MARKET_CONFLICT', problems[0]!.message, { problems });
    const organisations =
      spec.kind === 'supplier' ? `, serving ${spec.organisations.length} organisations` : '';
    return passed(`the market stays valid${organisations}`);
  },
};

/** A domain's SDL parses and follows schema/contract.ts, confidentiality markings included. */
export const contractGate: Gate = {
  name: 'contract',
  async run({ spec }) {
    if (spec.kind !== 'domain')
      return notApplicable('a supplier serves its domain’s contract (see breaking-changes)');
    try {
      parse(spec.sdl);
    } catch (error) {
      return failed('INVALID_SDL', (error as Error).message);
    }
    const violations = checkSupplierContract(withContract(spec.sdl));
    if (violations.length > 0) {
      return failed(
        'CONTRACT_VIOLATION',
        `${violations.length} contract rule(s) broken, first ${violations[0]!.rule}: ${violations[0]!.message}`,
        { violations },
      );
    }
    return passed('follows the contract, confidentiality markings included');
  },
};

/** The domains in service with the candidate's contract compose into a supergraph (errors verbatim). */
export const compositionGate: Gate = {
  name: 'composition',
  async run({ spec, next }, parts) {
    if (spec.kind !== 'domain') return notApplicable('a supplier entry changes no contract');
    const composition = supergraphFor(parts.bootstrap, next.domainSdl);
    if (!composition.ok) {
      return failed('COMPOSITION_FAILED', composition.errors.join('\n'), { errors: composition.errors });
    }
    return passed(`composes with ${next.domainSdl.size - 1} other domain(s)`);
  },
};
