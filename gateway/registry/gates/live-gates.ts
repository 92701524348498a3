import { runConformance } from '../conformance/suite.js';
import { contractSchema, subgraphSchema } from '../conformance/contract-shape.js';
import { post } from '../conformance/exchange.js';
import {
  failed,
  notApplicable,
  passed,
  suppliersChecked,
  type Candidate,
  type Gate,
  type GateCode,
} from './parts.js';
import { breakingChanges, inUse, type BreakingChange } from './schema-diff.js';

const DAY_MS = 86_400_000;
/** A served SDL larger than any contract could be is refused before it is built (building is synchronous). */
const MAX_SERVED_SDL_BYTES = 250_000;

/** A supplier's endpoint, asked for its SDL with the gateway's assertion: the SDL, or why not. */
async function servedSdl(
  url: string,
  assertion: string,
  timeoutMs: number,
): Promise<{ sdl: string } | { code: GateCode; message: string }> {
  const answer = await post(url, { query: '{ _service { sdl } }' }, assertion, timeoutMs);
  if (answer.kind === 'unreachable') return { code: 'ENDPOINT_UNREACHABLE', message: answer.message };
  if (answer.status === 401 || answer.status === 403) {
    return {
      code: 'ASSERTION_NOT_ACCEPTED',
      message: `refused the gateway's assertion (HTTP ${answer.status})`,
    };
  }
  const sdl = (answer.body as { data?: { _service?: { sdl?: unknown } } } | undefined)?.data?._service?.sdl;
  if (typeof sdl === 'string' && Buffer.byteLength(sdl) > MAX_SERVED_SDL_BYTES) {
    return { code: 'ENDPOINT_UNHEALTHY', message: `serves SDL over ${MAX_SERVED_SDL_BYTES} bytes` };
  }
  if (answer.status !== 200 || typeof sdl !== 'string') {
    return {
      code: 'ENDPOINT_UNHEALTHY',
      message: `HTTP ${answer.status} without its SDL (_service { sdl })`,
    };
  }
  try {
    subgraphSchema(sdl);
  } catch (error) {
    return {
      code: 'ENDPOINT_UNHEALTHY',
      message: `serves SDL that does not build: ${(error as Error).message}`,
    };
  }
  return { sdl };
}

/** What a supplier serving `served` lacks of `contract`: the contract's fields a client would miss. */
const missingFrom = (contract: string, served: string): Promise<BreakingChange[]> =>
  breakingChanges(contractSchema(contract), subgraphSchema(served));

/**
 * Each endpoint answers within the breaker's timeout and accepts the gateway's assertion; for a domain
 * entry, each of its suppliers already serves the candidate contract (a contract goes live only when
 * every supplier can answer it).
 */
export const healthGate: Gate = {
  name: 'health',
  async run(candidate, parts) {
    const suppliers = suppliersChecked(candidate);
    if (suppliers.length === 0) return passed('the domain has no suppliers yet');
    const problems: { supplier: string; code: GateCode; message: string }[] = [];
    await Promise.all(
      suppliers.map(async (s) => {
        const result = await servedSdl(s.url, parts.sign(s.name), parts.healthTimeoutMs);
        if ('code' in result) return problems.push({ supplier: s.name, ...result });
        candidate.served.set(s.name, result.sdl);
        if (candidate.spec.kind === 'domain') {
          const missing = await missingFrom(candidate.spec.sdl, result.sdl);
          if (missing.length > 0) {
            const first = missing[0]!;
            problems.push({
              supplier: s.name,
              code: 'SUPPLIERS_NOT_READY',
              message: `does not serve the candidate contract yet (${first.coordinate}: ${first.message})`,
            });
          }
        }
      }),
    );
    if (problems.length === 0) {
      return passed(`${suppliers.map((s) => s.name).join(', ')} answered within ${parts.healthTimeoutMs} ms`);
    }
    problems.sort((a, b) => a.supplier.localeCompare(b.supplier));
    const [first] = problems as [(typeof problems)[number]];
    const code = candidate.spec.kind === 'domain' ? 'SUPPLIERS_NOT_READY' : first.code;
    return failed(code, `${first.supplier}: ${first.message}`, { problems });
  },
};

function describeUse(used: Awaited<ReturnType<typeof inUse>>): string {
  const [first] = used as [(typeof used)[number]];
  const operations = first.operations
    .slice(0, 3)
    .map((o) => `${o.name ?? '(anonymous)'} from ${o.client}`)
    .join(', ');
  return `${first.coordinate} is read by ${first.operations.length} recorded operation(s): ${operations} (${first.message})`;
}

/**
 * Nothing clients sent within the usage window stops working. For a domain entry: the diff of the contract
 * in service against the candidate (unused breaking changes are allowed, and listed). For a supplier: what
 * its endpoint lacks of its domain's contract (used or not, a supplier implements the whole contract).
 */
export const breakingChangesGate: Gate = {
  name: 'breaking-changes',
  async run(candidate: Candidate, parts) {
    const { spec, live, next } = candidate;
    const days = Math.round(parts.usageWindowMs / DAY_MS);
    let changes: BreakingChange[];
    if (spec.kind === 'domain') {
      const before = live.domainSdl.get(spec.name);
      if (before === undefined) return passed('a new domain: nothing to break');
      changes = await breakingChanges(contractSchema(before), contractSchema(spec.sdl));
    } else {
      const served = candidate.served.get(spec.name);
      if (served === undefined) return notApplicable('the health gate read no SDL');
      changes = await missingFrom(next.domainSdl.get(spec.domain)!, served);
    }
    if (changes.length === 0) return passed('no breaking change');
    const used = inUse(changes, await parts.usage.since(parts.now() - parts.usageWindowMs));
    if (used.length > 0) return failed('BREAKING_CHANGE_IN_USE', describeUse(used), { inUse: used, changes });
    if (spec.kind === 'supplier') {
      return failed(
        'CONTRACT_NOT_IMPLEMENTED',
        `the endpoint does not implement the ${spec.domain} contract: ${changes[0]!.coordinate}: ${changes[0]!.message}`,
        { changes },
      );
    }
    return passed(
      `${changes.length} breaking change(s), none read by an operation in the last ${days} days`,
      {
        changes,
      },
    );
  },
};

/** The conformance suite passes against the candidate's endpoint, or each of the domain's suppliers. */
export const conformanceGate: Gate = {
  name: 'conformance',
  async run(candidate, parts) {
    const suppliers = suppliersChecked(candidate);
    if (suppliers.length === 0) return passed('the domain has no suppliers yet');
    const reports = await Promise.all(
      suppliers.map(async (s) => ({
        supplier: s.name,
        ...(await runConformance(
          { ...s, ownSdl: candidate.next.domainSdl.get(s.domain)! },
          {
            sign: parts.sign,
            timeoutMs: parts.healthTimeoutMs,
            latencyBudgetMs: parts.latencyBudgetMs,
          },
        )),
      })),
    );
    const failures = reports.flatMap((r) =>
      r.checks.filter((c) => c.status === 'failed').map((c) => ({ supplier: r.supplier, ...c })),
    );
    if (failures.length === 0) {
      const count = reports.reduce((n, r) => n + r.checks.filter((c) => c.status === 'passed').length, 0);
      return passed(`${count} checks passed`, { reports });
    }
    const names = [...new Set(failures.map((f) => f.check))].join(', ');
    return failed('CONFORMANCE_FAILED', `${failures[0]!.supplier} failed ${names}: ${failures[0]!.message}`, {
      reports,
    });
  },
};
