import type { GraphQLObjectType } from 'graphql';
import { maskNhsNumber } from '../../../schema/nhs-number.js';
import { conformancePack, PACK_PREFIX, packRecord } from '../../../subgraphs/synthetic/index.js';
import { contractSchema, fullRecordQuery, shapeProblems } from './contract-shape.js';
import { exchange, type Exchange } from './exchange.js';

/**
 * The conformance suite: what a supplier's endpoint must do before it serves a clinician, checked
 * against the synthetic conformance pack that every supplier's test environment holds. The gateway runs
 * it as a gate; `npm run registry -- conformance` runs the same checks from a supplier's own machine.
 */
export const CONFORMANCE_CHECKS = {
  /** A request without the gateway's assertion is refused (401 or 403), never answered. */
  ASSERTION_REQUIRED: 'refuses a request without the gateway assertion',
  /** An assertion addressed to another supplier is refused: a stolen assertion cannot be replayed here. */
  ASSERTION_AUDIENCE: 'refuses an assertion addressed to another supplier',
  /** An assertion whose signature does not verify is refused: the endpoint checks it, not just decodes it. */
  ASSERTION_SIGNATURE: 'refuses an assertion with a forged signature',
  /** Every field of the domain's contract resolves, with its contract type, non-null where promised. */
  FIELDS_RESOLVE: "every contract field resolves with the contract's types",
  /** Each answer is for exactly the patient asked, in the order asked, whatever the batch order. */
  RIGHT_PATIENT: 'answers for exactly the patient asked',
  /** Each section it fills in holds exactly the pack's items for that patient. */
  PACK_RECORD: "holds the pack patients' records item for item",
  /** A patient it has no record for gets no record: null, or NO_RECORD_FOUND, never invented items. */
  UNKNOWN_PATIENT: 'refuses a patient it holds no record for',
  /** The 95th percentile of full-record answers is within the latency budget. */
  LATENCY: 'answers within the latency budget',
} as const;

export type ConformanceCheck = keyof typeof CONFORMANCE_CHECKS;

export interface CheckResult {
  readonly check: ConformanceCheck;
  readonly status: 'passed' | 'failed' | 'skipped';
  readonly message: string;
  /** What was wrong, at most 20 lines, naming paths in the answer (never a live patient: pack only). */
  readonly problems?: readonly string[];
}

export interface ConformanceTarget {
  /** The supplier's name: the audience its assertions carry. */
  readonly name: string;
  readonly domain: string;
  readonly url: string;
  /** The domain's contract (own SDL) the endpoint must serve. */
  readonly ownSdl: string;
}

export interface ConformanceOptions {
  /** A signed gateway assertion for `audience` (the conformance identity, not a clinician's). */
  readonly sign: (audience: string) => string;
  readonly timeoutMs: number;
  readonly latencyBudgetMs: number;
  /** Full-record calls timed for LATENCY. */
  readonly latencySamples?: number;
  readonly now?: () => number;
}

export interface ConformanceReport {
  readonly passed: boolean;
  readonly checks: readonly CheckResult[];
}

type Entity = Record<string, unknown> | null;

const pass = (check: ConformanceCheck, message: string = CONFORMANCE_CHECKS[check]): CheckResult => ({
  check,
  status: 'passed',
  message,
});
/**
 * A failed check, its problems with every NHS number outside the pack masked: a record sent for the wrong
 * patient is a real person's, and reports are stored and shown to the supplier.
 */
const fail = (check: ConformanceCheck, problems: readonly string[]): CheckResult => {
  const masked = problems.slice(0, 20).map(maskNumbers);
  return {
    check,
    status: 'failed',
    message: `${CONFORMANCE_CHECKS[check]}: ${masked[0] ?? 'failed'}`,
    problems: masked,
  };
};

const maskNumbers = (text: string) =>
  text.replace(/(?<!\d)\d{10}(?!\d)/g, (n) => (n.startsWith(PACK_PREFIX) ? n : maskNhsNumber(n)));

/** The same assertion with one character of its signature changed. */
function forged(assertion: string): string {
  const at = assertion.length - 20;
  const swapped = assertion[at] === 'A' ? 'B' : 'A';
  return `${assertion.slice(0, at)}${swapped}${assertion.slice(at + 1)}`;
}

export async function runConformance(
  target: ConformanceTarget,
  options: ConformanceOptions,
): Promise<ConformanceReport> {
  const schema = contractSchema(target.ownSdl);
  const query = fullRecordQuery(schema);
  const pack = conformancePack();
  const [full, ordinary] = pack.patients.map((p) => p.demographics.nhsNumber) as [string, string];
  const call = (numbers: readonly string[], audience: string | undefined) =>
    exchange(
      target.url,
      query,
      numbers,
      audience === undefined ? undefined : options.sign(audience),
      options,
    );
  const checks: CheckResult[] = [];

  checks.push(refusal('ASSERTION_REQUIRED', await call([full], undefined)));
  checks.push(refusal('ASSERTION_AUDIENCE', await call([full], `${target.name}-elsewhere`)));
  checks.push(
    refusal(
      'ASSERTION_SIGNATURE',
      await exchange(target.url, query, [full], forged(options.sign(target.name)), options),
    ),
  );

  const forward = await call([full, ordinary], target.name);
  const reversed = await call([ordinary, full], target.name);
  const patient = schema.getType('Patient') as GraphQLObjectType;
  checks.push(fieldsResolve(forward, patient));
  checks.push(rightPatient([forward, [full, ordinary]], [reversed, [ordinary, full]]));
  checks.push(packMatches(target.domain, forward, pack));
  checks.push(unknownPatient(await call([pack.unknown], target.name)));
  checks.push(await latency(() => call([ordinary], target.name), options));
  return { passed: checks.every((c) => c.status !== 'failed'), checks };
}

function refusal(check: ConformanceCheck, answer: Exchange): CheckResult {
  if (answer.kind === 'unreachable') return fail(check, [answer.message]);
  if (answer.status === 401 || answer.status === 403) return pass(check);
  const answered = entitiesOf(answer).some((e) => e !== null);
  return fail(check, [
    `got HTTP ${answer.status}${answered ? ' with a patient record' : ''}; expected 401 or 403`,
  ]);
}

function entitiesOf(answer: Exchange): Entity[] {
  if (answer.kind !== 'answer') return [];
  const data = (answer.body as { data?: { _entities?: unknown } } | undefined)?.data;
  return Array.isArray(data?._entities) ? (data._entities as Entity[]) : [];
}

/** An answer's problems as a supplier would need them: HTTP status, GraphQL errors, wrong entity count. */
function answerProblems(answer: Exchange, expected: number): string[] {
  if (answer.kind === 'unreachable') return [answer.message];
  if (answer.status !== 200) return [`HTTP ${answer.status}`];
  const errors = (answer.body as { errors?: { message?: string }[] }).errors ?? [];
  const problems = errors.map((e) => `error: ${String(e.message).slice(0, 200)}`);
  const count = entitiesOf(answer).length;
  if (count !== expected) problems.push(`_entities has ${count} items for ${expected} representations`);
  return problems;
}

function fieldsResolve(answer: Exchange, patient: GraphQLObjectType): CheckResult {
  const problems = answerProblems(answer, 2);
  if (problems.length === 0) {
    entitiesOf(answer).forEach((entity, i) => {
      if (entity === null) problems.push(`_entities[${i}] is null for a pack patient`);
      else shapeProblems(patient, entity, `_entities[${i}]`, problems);
    });
  }
  return problems.length === 0 ? pass('FIELDS_RESOLVE') : fail('FIELDS_RESOLVE', problems);
}

function rightPatient(...batches: [Exchange, readonly string[]][]): CheckResult {
  const problems: string[] = [];
  for (const [answer, asked] of batches) {
    entitiesOf(answer).forEach((entity, i) => {
      const got = entity?.nhsNumber;
      if (entity !== null && got !== asked[i]) {
        // A patient outside the pack is a real person's record sent to the wrong place: never quote it whole.
        const whose =
          typeof got === 'string' && !got.startsWith(PACK_PREFIX) ? maskNhsNumber(got) : String(got);
        problems.push(`asked for pack patient ${i + 1} of [${asked.join(', ')}], got the record of ${whose}`);
      }
    });
  }
  return problems.length === 0 ? pass('RIGHT_PATIENT') : fail('RIGHT_PATIENT', problems);
}

const idsOf = (items: unknown): string[] =>
  (Array.isArray(items) ? items : []).map((i) => String((i as { id?: unknown }).id)).sort();

function packMatches(
  domain: string,
  answer: Exchange,
  pack: ReturnType<typeof conformancePack>,
): CheckResult {
  const problems: string[] = [];
  let sections = 0;
  entitiesOf(answer).forEach((entity, i) => {
    const expected = packRecord(domain, pack.patients[i]!) as Record<string, unknown> | undefined;
    if (!expected || !entity) return;
    for (const [field, value] of Object.entries(entity)) {
      if (!Array.isArray(value) || !Array.isArray(expected[field])) continue;
      sections++;
      const [got, want] = [idsOf(value), new Set(idsOf(expected[field]))];
      const matching = got.filter((id) => want.has(id)).length;
      if (matching !== got.length || got.length !== want.size) {
        problems.push(
          `_entities[${i}].${field} holds ${got.length} items, ${matching} of them the pack's ${want.size}`,
        );
      }
    }
  });
  if (!packRecord(domain, pack.patients[0]!)) {
    return { check: 'PACK_RECORD', status: 'skipped', message: `the pack holds no ${domain} records` };
  }
  if (sections === 0 && problems.length === 0) problems.push('no section of the pack patients was filled in');
  return problems.length === 0
    ? pass('PACK_RECORD', `${CONFORMANCE_CHECKS.PACK_RECORD} (${sections} sections compared)`)
    : fail('PACK_RECORD', problems);
}

function unknownPatient(answer: Exchange): CheckResult {
  if (answer.kind === 'unreachable') return fail('UNKNOWN_PATIENT', [answer.message]);
  const [entity] = entitiesOf(answer);
  const invented = entity
    ? Object.entries(entity).filter(([, v]) =>
        Array.isArray(v) ? v.length > 0 : v !== null && typeof v === 'object',
      )
    : [];
  if (answer.status === 200 && invented.length === 0) return pass('UNKNOWN_PATIENT');
  if (answer.status !== 200) return fail('UNKNOWN_PATIENT', [`HTTP ${answer.status} for an unknown patient`]);
  return fail(
    'UNKNOWN_PATIENT',
    invented.map(([field]) => `${field} has data for a patient nobody holds`),
  );
}

async function latency(call: () => Promise<Exchange>, options: ConformanceOptions): Promise<CheckResult> {
  const now = options.now ?? (() => performance.now());
  const samples: number[] = [];
  for (let i = 0; i < (options.latencySamples ?? 20); i++) {
    const started = now();
    const answer = await call();
    if (answer.kind === 'unreachable') return fail('LATENCY', [answer.message]);
    samples.push(now() - started);
  }
  samples.sort((a, b) => a - b);
  const p95 = samples[Math.min(samples.length - 1, Math.ceil(samples.length * 0.95) - 1)]!;
  const figure = `p95 ${p95.toFixed(0)} ms over ${samples.length} full-record calls, budget ${options.latencyBudgetMs} ms`;
  return p95 <= options.latencyBudgetMs ? pass('LATENCY', figure) : fail('LATENCY', [figure]);
}
