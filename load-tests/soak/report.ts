import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vega from 'vega';
import * as vl from 'vega-lite';
import { latencyOf } from '../lib/load.js';
import type { Outcome } from './verify.js';

/** What happened in one 10-second interval. */
export interface Bucket {
  /** Seconds from the start. */
  readonly at: number;
  readonly outcomes: Record<Outcome, number>;
  readonly latencies: number[];
  readonly details: string[];
  readonly faults: string[];
}

/** One replica's figures at one moment, from its /metrics. */
export interface ReplicaSample {
  readonly at: number;
  readonly replica: number;
  /** Which start of the replica (restarts begin a new process, so a new series). */
  readonly generation: number;
  readonly rssMb: number;
  readonly heapMb: number;
  readonly sockets: number;
  /** Active libuv resources (sockets, servers, referenced timers, ...): what a leak of any kind grows. */
  readonly resources: number;
  readonly lagP99Ms: number;
}

export interface SoakResult {
  readonly minutes: number;
  readonly replicas: number;
  readonly workers: number;
  readonly buckets: readonly Bucket[];
  readonly samples: readonly ReplicaSample[];
  readonly audit: readonly { replica: number; answered: number; audited: number }[];
}

/** Least-squares slope of `y` per hour over `at` seconds, ignoring the first fifth (warm-up). */
function slopePerHour(points: readonly { at: number; y: number }[]): number | null {
  const start = points.length > 0 ? points[0]!.at + (points.at(-1)!.at - points[0]!.at) / 5 : 0;
  const used = points.filter((p) => p.at >= start);
  if (used.length < 3) return null;
  const mx = used.reduce((s, p) => s + p.at, 0) / used.length;
  const my = used.reduce((s, p) => s + p.y, 0) / used.length;
  const num = used.reduce((s, p) => s + (p.at - mx) * (p.y - my), 0);
  const den = used.reduce((s, p) => s + (p.at - mx) ** 2, 0);
  return den === 0 ? 0 : (num / den) * 3600;
}

const fixed = (v: number | null, digits = 1) => (v === null ? 'n/a' : v.toFixed(digits));

export async function writeReport(
  outDir: string,
  result: SoakResult,
): Promise<{ ok: boolean; summary: string }> {
  const total = (o: Outcome) => result.buckets.reduce((n, b) => n + b.outcomes[o], 0);
  const requests = (['live', 'labelled', 'wrong', 'unlabelled', 'failed'] as const).reduce(
    (n, o) => n + total(o),
    0,
  );
  const latency = latencyOf(result.buckets.flatMap((b) => b.latencies));
  const series = [...new Set(result.samples.map((s) => `${s.replica}.${s.generation}`))];
  const slopes = series.map((key) => {
    const points = result.samples.filter((s) => `${s.replica}.${s.generation}` === key);
    const of = (f: keyof ReplicaSample) => slopePerHour(points.map((p) => ({ at: p.at, y: p[f] })));
    return {
      series: `replica ${key.split('.')[0]} (start ${key.split('.')[1]})`,
      minutes: points.length > 0 ? (points.at(-1)!.at - points[0]!.at) / 60 : 0,
      rssMbPerHour: of('rssMb'),
      heapMbPerHour: of('heapMb'),
      socketsPerHour: of('sockets'),
      resourcesPerHour: of('resources'),
      peakRssMb: Math.max(0, ...points.map((p) => p.rssMb)),
      peakLagMs: Math.max(0, ...points.map((p) => p.lagP99Ms)),
    };
  });
  const lost = result.audit.reduce((n, a) => n + Math.max(0, a.answered - a.audited), 0);
  const ok = total('wrong') === 0 && total('unlabelled') === 0 && lost === 0;
  const summary =
    `${requests} requests: ${total('live')} live, ${total('labelled')} labelled degraded, ${total('wrong')} wrong, ` +
    `${total('unlabelled')} unlabelled, ${total('failed')} failed; p50 ${latency.p50.toFixed(0)} ms, p99 ${latency.p99.toFixed(0)} ms; ` +
    `audit ${result.audit.map((a) => `${a.audited}/${a.answered}`).join(', ')} (lines/answers per replica) — ${ok ? 'PASS' : 'FAIL'}`;

  const minute = (b: Bucket) => Math.floor(b.at / 60);
  const rows = [...new Set(result.buckets.map(minute))].map((m) => {
    const bs = result.buckets.filter((b) => minute(b) === m);
    const sum = (o: Outcome) => bs.reduce((n, b) => n + b.outcomes[o], 0);
    const lat = latencyOf(bs.flatMap((b) => b.latencies));
    const last = (replica: number) =>
      result.samples.filter((s) => s.replica === replica && Math.floor(s.at / 60) === m).at(-1);
    const figures = [1, 2]
      .map((r) => last(r))
      .map((s) =>
        s ? `${s.rssMb.toFixed(0)} / ${s.heapMb.toFixed(0)} / ${s.sockets} / ${s.resources}` : '–',
      );
    return `| ${m} | ${bs.reduce((n, b) => n + b.latencies.length, 0)} | ${sum('live')} | ${sum('labelled')} | ${sum('wrong')} | ${sum('unlabelled')} | ${sum('failed')} | ${lat.p99.toFixed(0)} | ${figures.join(' | ')} | ${bs.flatMap((b) => b.faults).join('; ')} |`;
  });
  const md = [
    `# Soak: ${result.minutes} min, ${result.replicas} replicas, ${result.workers} workers`,
    '',
    summary,
    '',
    '| minute | requests | live | labelled | wrong | unlabelled | failed | p99 ms | replica 1 RSS / heap MB / sockets / resources | replica 2 RSS / heap MB / sockets / resources | faults |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
    '| process | minutes sampled | RSS MB/h | heap MB/h | sockets/h | resources/h | peak RSS MB | peak event-loop lag p99 ms |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...slopes.map(
      (s) =>
        `| ${s.series} | ${s.minutes.toFixed(1)} | ${fixed(s.rssMbPerHour)} | ${fixed(s.heapMbPerHour)} | ${fixed(s.socketsPerHour)} | ${fixed(s.resourcesPerHour)} | ${s.peakRssMb.toFixed(0)} | ${s.peakLagMs.toFixed(0)} |`,
    ),
    '',
    ...result.buckets.flatMap((b) => b.details.map((d) => `- ${b.at} s: ${d}`)),
  ].join('\n');
  writeFileSync(join(outDir, 'soak.md'), `${md}\n`);
  writeFileSync(
    join(outDir, 'soak.json'),
    JSON.stringify(
      {
        ...result,
        buckets: result.buckets.map(({ latencies, ...b }) => ({ ...b, ...latencyOf(latencies) })),
        slopes,
        ok,
      },
      null,
      2,
    ),
  );
  writeFileSync(join(outDir, 'soak.svg'), await chart(result));
  return { ok, summary };
}

async function chart(result: SoakResult): Promise<string> {
  const memory = result.samples.flatMap((s) => [
    { minute: s.at / 60, series: `replica ${s.replica} RSS`, value: s.rssMb, start: s.generation },
    { minute: s.at / 60, series: `replica ${s.replica} heap`, value: s.heapMb, start: s.generation },
  ]);
  const answers = result.buckets.flatMap((b) =>
    (['live', 'labelled', 'wrong', 'unlabelled', 'failed'] as const).map((o) => ({
      minute: b.at / 60,
      outcome: o,
      count: b.outcomes[o],
    })),
  );
  const faults = result.buckets.flatMap((b) => b.faults.map((f) => ({ minute: b.at / 60, fault: f })));
  const spec: vl.TopLevelSpec = {
    vconcat: [
      {
        title: 'Memory per replica (MB)',
        width: 720,
        height: 180,
        layer: [
          {
            data: { values: memory },
            mark: 'line',
            encoding: {
              x: { field: 'minute', type: 'quantitative' },
              y: { field: 'value', type: 'quantitative', title: 'MB' },
              color: { field: 'series', type: 'nominal' },
              detail: { field: 'start', type: 'nominal' },
            },
          },
          {
            data: { values: faults },
            mark: { type: 'rule', strokeDash: [3, 3], color: '#999' },
            encoding: { x: { field: 'minute', type: 'quantitative' } },
          },
        ],
      },
      {
        title: 'Answers per 10 s, by outcome',
        width: 720,
        height: 180,
        data: { values: answers },
        mark: 'area',
        encoding: {
          x: { field: 'minute', type: 'quantitative' },
          y: { field: 'count', type: 'quantitative', stack: true },
          color: { field: 'outcome', type: 'nominal' },
        },
      },
    ],
  };
  const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: 'none' });
  return view.toSVG();
}
