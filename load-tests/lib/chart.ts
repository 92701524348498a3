import * as vega from 'vega';
import * as vl from 'vega-lite';
import type { RunRecord, Summary } from './report.js';
import { TARGETS } from './targets.js';

async function svg(spec: vl.TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: 'none' });
  return view.toSVG();
}

const label = (target: string) => TARGETS[target]?.label ?? target;

/** Throughput and p99 per target in each scenario. */
export function summaryChart(summaries: readonly Summary[]): Promise<string> {
  const values = summaries.map((s) => ({
    scenario: s.scenario,
    target: label(s.target),
    rps: s.rps,
    p99: Math.max(1, s.p99),
  }));
  const bars = (field: 'rps' | 'p99', title: string, log: boolean) => ({
    title,
    width: 640,
    height: 180,
    mark: 'bar',
    encoding: {
      x: { field: 'scenario', type: 'nominal', title: null, axis: { labelAngle: 0 } },
      xOffset: { field: 'target' },
      y: { field, type: 'quantitative', title, ...(log ? { scale: { type: 'log' } } : {}) },
      color: {
        field: 'target',
        type: 'nominal',
        title: 'target',
        legend: { orient: 'bottom', columns: 2, labelLimit: 400 },
      },
      tooltip: [{ field: 'target' }, { field }],
    },
  });
  return svg({
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    data: { values },
    vconcat: [
      bars('rps', 'requests per second (higher is better)', false),
      bars('p99', 'p99 latency, ms (log scale; lower is better)', true),
    ],
  } as vl.TopLevelSpec);
}

/** For failure scenarios: p99 latency per 500 ms over the run, with this gateway's breaker transitions marked. */
export function timelineChart(records: readonly RunRecord[], scenarios: readonly string[]): Promise<string> {
  const points: Record<string, unknown>[] = [];
  for (const r of records.filter((x) => x.repeat === 1 && scenarios.includes(x.scenario))) {
    const buckets = new Map<number, number[]>();
    for (const s of r.result.samples) {
      if (s.kind === 'error') continue;
      const b = Math.floor(s.at / 500) / 2;
      buckets.set(b, [...(buckets.get(b) ?? []), s.latencyMs]);
    }
    for (const [second, latencies] of buckets) {
      const sorted = latencies.sort((a, b) => a - b);
      points.push({
        kind: 'latency',
        scenario: r.scenario,
        target: label(r.target),
        second,
        p99: Math.max(1, sorted[Math.floor(0.99 * (sorted.length - 1))]!),
      });
    }
    if (r.target === 'gateway') {
      // The first report is the state the run started in; mark it only when it is not CLOSED.
      const marks = r.result.transitions.filter((t, i) => i > 0 || t.state !== 'CLOSED');
      for (const t of marks)
        points.push({ kind: 'transition', scenario: r.scenario, second: t.at / 1000, state: t.state });
    }
  }
  return svg({
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    data: { values: points },
    facet: { row: { field: 'scenario', type: 'nominal', title: null } },
    spec: {
      width: 640,
      height: 150,
      layer: [
        {
          transform: [{ filter: "datum.kind === 'latency'" }],
          mark: { type: 'line', point: false },
          encoding: {
            x: { field: 'second', type: 'quantitative', title: 'seconds into the run (fault applied at 0)' },
            y: { field: 'p99', type: 'quantitative', title: 'p99 ms (log)', scale: { type: 'log' } },
            color: {
              field: 'target',
              type: 'nominal',
              legend: { orient: 'bottom', columns: 2, labelLimit: 400 },
            },
          },
        },
        {
          transform: [{ filter: "datum.kind === 'transition'" }],
          mark: { type: 'rule', strokeDash: [4, 3], color: '#555' },
          encoding: { x: { field: 'second', type: 'quantitative' } },
        },
        {
          transform: [{ filter: "datum.kind === 'transition'" }],
          mark: { type: 'text', align: 'left', dx: 3, dy: -60, fontSize: 9, color: '#333' },
          encoding: { x: { field: 'second', type: 'quantitative' }, text: { field: 'state' } },
        },
      ],
    },
    resolve: { scale: { x: 'shared' } },
  });
}
