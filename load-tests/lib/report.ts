import { cpus, totalmem } from 'node:os';
import { createRequire } from 'node:module';
import { latencyOf, type LoadResult } from './load.js';
import { SCENARIOS } from './scenarios.js';
import { TARGETS } from './targets.js';
import type { BenchOptions } from './options.js';

export interface RunRecord {
  readonly scenario: string;
  readonly target: string;
  readonly repeat: number;
  readonly result: LoadResult;
}

export interface Summary {
  readonly scenario: string;
  readonly target: string;
  readonly runs: number;
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly afterOpenP99?: number;
  readonly errors: number;
  readonly completeShare: number;
  /** Complete share per patient group (the market scenario), over every repeat. */
  readonly groups?: Readonly<Record<string, number>>;
  readonly peakRssMb: number;
  /** CPU microseconds of the target per request (median of the repeats). */
  readonly cpuUs?: number;
  /** KB allocated on the target's JS heap per request (median of the repeats). */
  readonly allocatedKb?: number;
  readonly aborted?: string;
}

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : Math.round((sorted[mid - 1]! + sorted[mid]!) / 2);
};

/** Medians across repeats for each scenario and target (max latency and peak RSS: the worst repeat). */
export function summarise(records: readonly RunRecord[]): Summary[] {
  const groups = new Map<string, RunRecord[]>();
  for (const r of records)
    groups.set(`${r.scenario}\u0000${r.target}`, [
      ...(groups.get(`${r.scenario}\u0000${r.target}`) ?? []),
      r,
    ]);
  return [...groups.values()].map((runs) => {
    const results = runs.map((r) => r.result);
    const after = results.flatMap((r) => (r.afterOpen ? [r.afterOpen.p99] : []));
    const requests = results.reduce((sum, r) => sum + r.requests, 0);
    const aborted = results.find((r) => r.aborted)?.aborted;
    return {
      scenario: runs[0]!.scenario,
      target: runs[0]!.target,
      runs: runs.length,
      rps: median(results.map((r) => r.rps)),
      p50: median(results.map((r) => r.latency.p50)),
      p99: median(results.map((r) => r.latency.p99)),
      max: Math.max(...results.map((r) => r.latency.max)),
      ...(after.length > 0 ? { afterOpenP99: median(after) } : {}),
      errors: results.reduce((sum, r) => sum + r.errors + r.timeouts + r.non2xx + r.stuck, 0),
      completeShare: requests === 0 ? 0 : results.reduce((sum, r) => sum + r.complete, 0) / requests,
      peakRssMb: Math.max(...results.map((r) => r.peakRssMb)),
      ...costOf(results),
      ...groupShares(results),
      ...(aborted ? { aborted } : {}),
    };
  });
}

function costOf(results: readonly LoadResult[]): { cpuUs?: number; allocatedKb?: number } {
  const cpu = results.flatMap((r) => (r.cost ? [r.cost.cpuUs] : []));
  const allocated = results.flatMap((r) => (r.cost?.allocatedKb !== undefined ? [r.cost.allocatedKb] : []));
  return {
    ...(cpu.length > 0 ? { cpuUs: median(cpu) } : {}),
    ...(allocated.length > 0 ? { allocatedKb: Math.round(median(allocated)) } : {}),
  };
}

function groupShares(results: readonly LoadResult[]): { groups?: Record<string, number> } {
  const names = [...new Set(results.flatMap((r) => Object.keys(r.groups)))];
  if (names.length === 0) return {};
  const share = (name: string) => {
    const [complete, total] = results.reduce(
      ([c, t], r) => [c + (r.groups[name]?.complete ?? 0), t + (r.groups[name]?.total ?? 0)],
      [0, 0],
    );
    return total === 0 ? 0 : complete / total;
  };
  return { groups: Object.fromEntries(names.map((n) => [n, share(n)])) };
}

export function machine() {
  const require = createRequire(import.meta.url);
  const version = (name: string, from = '../../package.json') => {
    try {
      return (
        require(from.replace('package.json', `node_modules/${name}/package.json`)) as { version: string }
      ).version;
    } catch {
      return 'not installed';
    }
  };
  return {
    cpu: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}`,
    memoryGb: Math.round(totalmem() / 1024 ** 3),
    node: process.version,
    versions: {
      '@apollo/gateway': version('@apollo/gateway'),
      '@apollo/server': version('@apollo/server'),
      graphql: version('graphql'),
      autocannon: version('autocannon'),
      '@graphql-hive/gateway': version('@graphql-hive/gateway', '../peers/package.json'),
      '@mercuriusjs/gateway': version('@mercuriusjs/gateway', '../peers/package.json'),
    },
  };
}

const pct = (share: number) => `${(share * 100).toFixed(share === 1 || share === 0 ? 0 : 2)} %`;

export function markdown(
  options: BenchOptions,
  summaries: readonly Summary[],
  startedAt: string,
  command: string,
): string {
  const m = machine();
  const lines = [
    '# Benchmarks',
    '',
    `Generated by \`${command}\` on ${startedAt}. Every target ran against the same supplier processes and the`,
    `same query (patient + medications + encounters, cycling through 100 synthetic patients who have both a GP and a hospital record), ${options.connections}`,
    `connections (unless the scenario says otherwise), ${options.durationS} s per run after a ${options.warmupS} s healthy warm-up, ${options.repeats} runs each`,
    'in rotating target order; figures are medians across runs (max and peak RSS: the worst run). Every answer',
    'is checked against the synthetic truth; a wrong answer aborts the run.',
    '',
    `Machine: ${m.cpu}, ${m.memoryGb} GiB, Node ${m.node}. Versions: ${Object.entries(m.versions)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}.`,
    '',
    '"complete" is the share of answers carrying every section (live or stale); errors count socket errors,',
    'autocannon timeouts (10 s), non-200 responses and requests still unanswered 2 s after they were sent when the run ended. "p99 after open" is this gateway\'s p99 over requests',
    'sent after its GP breaker was first reported OPEN. "CPU µs/req" is the target process\'s user + system CPU',
    'time over the run divided by the requests answered; "alloc KB/req" is what it allocated on its JS heap',
    "per request, read from V8's GC profiler by a probe preloaded into each target (load-tests/probe/).",
    '',
  ];
  for (const scenario of options.scenarios) {
    const rows = summaries.filter((s) => s.scenario === scenario);
    if (rows.length === 0) continue;
    lines.push(`## ${scenario}: ${SCENARIOS[scenario]!.description}`, '');
    lines.push(
      '| target | req/s | p50 ms | p99 ms | max ms | p99 after open ms | errors | complete | peak RSS MB | CPU µs/req | alloc KB/req |',
    );
    lines.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
    for (const r of rows) {
      lines.push(
        `| ${TARGETS[r.target]!.label} | ${r.rps} | ${r.p50} | ${r.p99} | ${r.max} | ${r.afterOpenP99 ?? '–'} | ${r.errors} | ${pct(r.completeShare)} | ${r.peakRssMb} | ${r.cpuUs ?? '–'} | ${r.allocatedKb ?? '–'} |` +
          (r.aborted ? ` aborted: ${r.aborted}` : ''),
      );
    }
    for (const r of rows.filter((row) => row.groups)) {
      const groups = Object.entries(r.groups!).map(
        ([g, share]) =>
          `${g === 'rest' ? 'the rest of the population' : `${g}'s patients`} ${pct(share)} complete`,
      );
      lines.push('', `${TARGETS[r.target]!.label}: ${groups.join('; ')}.`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

export { latencyOf };
