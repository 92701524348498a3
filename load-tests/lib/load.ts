import autocannon from 'autocannon';
import { assertLoopback } from './environment.js';
import { samplePeakRss } from './memory.js';
import { BENCH_TOKEN } from './auth.js';
import { perRequest, type CostPerRequest, type ProcessCost } from './cost.js';
import type { Verdict } from './targets.js';

export interface Sample {
  /** Milliseconds from the start of the run to when the request was sent. */
  readonly at: number;
  readonly latencyMs: number;
  readonly kind: Verdict['kind'] | 'error';
}

export interface Latency {
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly count: number;
}

export interface LoadResult {
  readonly requests: number;
  readonly rps: number;
  readonly latency: Latency;
  /** Latency of requests sent after the GP breaker was first reported OPEN (this gateway only). */
  readonly afterOpen?: Latency;
  readonly errors: number;
  readonly timeouts: number;
  /** Requests still waiting for an answer more than 2 s after they were sent when the run ended (a hung target). */
  readonly stuck: number;
  readonly non2xx: number;
  readonly complete: number;
  readonly incomplete: number;
  /** Share of answers carrying every section (live or stale). */
  readonly completeShare: number;
  /** Answers and complete answers per patient group, when the target's verdicts name groups. */
  readonly groups: Readonly<Record<string, { readonly complete: number; readonly total: number }>>;
  readonly peakRssMb: number;
  /** CPU time and JS heap allocation of the target per answered request, over the measured run. */
  readonly cost?: CostPerRequest;
  /** Each change of the GP breaker state as answers reported it, ms from the start. */
  readonly transitions: readonly { readonly at: number; readonly state: string }[];
  readonly samples: readonly Sample[];
  readonly aborted?: string;
}

export interface LoadPlan {
  readonly url: string;
  readonly pid: number;
  readonly connections: number;
  readonly durationS: number;
  readonly patients: readonly string[];
  readonly body: (n: string) => string;
  readonly verify: (body: string, n: string) => Verdict;
  /** Missing sections abort the run (a healthy scenario); otherwise they are counted. */
  readonly incompleteIsWrong: boolean;
  /** Called as the load starts (the scenario's fault is applied here). */
  readonly onStart?: () => Promise<void>;
  /** What the target has spent so far, read just before and just after the run. */
  readonly cost?: () => Promise<ProcessCost>;
}

export function latencyOf(values: readonly number[]): Latency {
  if (values.length === 0) return { p50: 0, p99: 0, max: 0, count: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return {
    p50: Math.round(at(0.5)),
    p99: Math.round(at(0.99)),
    max: Math.round(sorted.at(-1)!),
    count: sorted.length,
  };
}

interface Ctx {
  n?: string;
  sent?: number;
}

/**
 * One measured run with autocannon. Every response is checked against the synthetic truth; a wrong answer
 * (or, when `incompleteIsWrong`, a missing section) stops the run at once and is reported, so a fast but
 * wrong target can never post a good figure.
 */
export async function runLoad(plan: LoadPlan): Promise<LoadResult> {
  assertLoopback(plan.url);
  const bodies = new Map(plan.patients.map((n) => [n, plan.body(n)]));
  const samples: Sample[] = [];
  const transitions: { at: number; state: string }[] = [];
  let next = 0;
  const inFlight = new Set<Ctx>();
  let complete = 0;
  let incomplete = 0;
  const groups: Record<string, { complete: number; total: number }> = {};
  let aborted: string | undefined;
  const costBefore = await plan.cost?.();
  const start = performance.now();
  const rss = samplePeakRss(plan.pid);
  let instance: autocannon.Instance | undefined;
  const stopWith = (reason: string) => {
    aborted ??= reason;
    instance?.stop();
  };
  const done = new Promise<autocannon.Result>((resolve, reject) => {
    instance = autocannon(
      {
        url: plan.url,
        connections: plan.connections,
        duration: plan.durationS,
        timeout: 10,
        requests: [
          {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${BENCH_TOKEN}` },
            setupRequest: (request, context: Ctx) => {
              const n = plan.patients[next++ % plan.patients.length]!;
              context.n = n;
              context.sent = performance.now();
              inFlight.add(context);
              return { ...request, body: bodies.get(n)! };
            },
            onResponse: (status, body, context: Ctx) => {
              inFlight.delete(context);
              const at = context.sent! - start;
              const latencyMs = performance.now() - context.sent!;
              if (status !== 200) {
                samples.push({ at, latencyMs, kind: 'error' });
                return;
              }
              const verdict = plan.verify(body, context.n!);
              samples.push({ at, latencyMs, kind: verdict.kind });
              // A transition is dated when the answer reporting it arrived (the state is read at answer time).
              if (verdict.breaker && transitions.at(-1)?.state !== verdict.breaker) {
                transitions.push({ at: Math.round(at + latencyMs), state: verdict.breaker });
              }
              if (verdict.group) {
                const group = (groups[verdict.group] ??= { complete: 0, total: 0 });
                group.total++;
                if (verdict.kind === 'complete') group.complete++;
              }
              if (verdict.kind === 'complete') complete++;
              else if (verdict.kind === 'incomplete') {
                incomplete++;
                if (plan.incompleteIsWrong)
                  stopWith(`missing sections in a healthy run (${verdict.detail ?? context.n})`);
              } else stopWith(`wrong answer: ${verdict.detail}`);
            },
          },
        ],
      },
      (error, result) => (error ? reject(error as Error) : resolve(result)),
    );
  });
  await plan.onStart?.();
  const result = await done;
  const peakRssMb = rss.stop();
  const costAfter = costBefore && (await plan.cost?.());
  const cost = costBefore && costAfter && perRequest(costBefore, costAfter, samples.length);
  const answered = samples.filter((s) => s.kind !== 'error');
  const opened = transitions.find((t) => t.state === 'OPEN' || t.state === 'ISOLATED');
  const elapsedS = Math.min(plan.durationS, (performance.now() - start) / 1000);
  return {
    requests: samples.length,
    rps: Math.round(samples.length / elapsedS),
    latency: latencyOf(answered.map((s) => s.latencyMs)),
    ...(opened
      ? { afterOpen: latencyOf(answered.filter((s) => s.at >= opened.at).map((s) => s.latencyMs)) }
      : {}),
    errors: result.errors,
    timeouts: result.timeouts,
    stuck: [...inFlight].filter((c) => performance.now() - c.sent! > 2_000).length,
    non2xx: result.non2xx,
    complete,
    incomplete,
    completeShare: samples.length === 0 ? 0 : complete / samples.length,
    groups,
    peakRssMb,
    ...(cost ? { cost } : {}),
    transitions,
    samples,
    ...(aborted ? { aborted } : {}),
  };
}
