/**
 * `npm run bench`: starts the supplier processes, a private Redis and every target on 127.0.0.1, runs each
 * scenario against each target (rotating the order each repeat), stops everything, and writes JSON, a
 * Markdown table and SVG charts to load-tests/results/<time>/ (and, for full runs, docs/benchmarks.md).
 * `npm run bench -- --help` lists the options; `--quick` is a short smoke run.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BENCH_TOKEN } from './lib/auth.js';
import { summaryChart, timelineChart } from './lib/chart.js';
import { startEnvironment, type BenchEnvironment } from './lib/environment.js';
import { runLoad } from './lib/load.js';
import { benchOptions } from './lib/options.js';
import { benchPatients } from './lib/patients.js';
import { publishBenchmarks } from './lib/publish.js';
import { markdown, summarise, type RunRecord } from './lib/report.js';
import { SCENARIOS } from './lib/scenarios.js';
import { TARGETS, type RunningTarget, type Target } from './lib/targets.js';

const options = benchOptions(process.argv.slice(2));
const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
const startedAt = new Date().toISOString();
const records: RunRecord[] = [];
const running = new Map<string, RunningTarget>();
let env: BenchEnvironment | undefined;

const log = (message: string) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);

/** Waits until the target answers the first patient completely (and, for this gateway, live). */
async function healthy(target: Target, url: string): Promise<void> {
  const n = benchPatients[0]!;
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const response = await fetch(url, {
        // The same clinician token the load sends (peers ignore it).
        headers: { 'content-type': 'application/json', authorization: `Bearer ${BENCH_TOKEN}` },
        method: 'POST',
        body: target.body(n),
        signal: AbortSignal.timeout(2_000),
      });
      const text = await response.text();
      const verdict = target.verify(text, n);
      if (
        verdict.kind === 'complete' &&
        (!verdict.breaker || verdict.breaker === 'CLOSED') &&
        !text.includes('"STALE"')
      )
        return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`${target.name} did not become healthy within 30 s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function measure(target: Target, scenarioName: string, repeat: number): Promise<void> {
  const scenario = SCENARIOS[scenarioName]!;
  const e = env!;
  let t = running.get(target.name);
  if (!t) {
    log(`starting ${target.label}`);
    t = await target.start(e, { gatewayNodeFlags: options.gatewayNodeFlags });
    running.set(target.name, t);
  }
  await healthy(target, t.url);
  const base = { url: t.url, pid: t.pid, patients: benchPatients, body: target.body, verify: target.verify };
  const cost = t.cost;
  const connections = scenario.connections ?? options.connections;
  await runLoad({ ...base, connections, durationS: options.warmupS, incompleteIsWrong: true });
  log(
    `${scenarioName} × ${target.name} (run ${repeat}/${options.repeats}, ${connections} connections, ${options.durationS} s)`,
  );
  let result;
  try {
    result = await runLoad({
      ...base,
      connections,
      durationS: options.durationS,
      incompleteIsWrong: !scenario.degraded && scenarioName !== 'redis-down',
      cost,
      onStart: () => scenario.apply(e),
    });
  } finally {
    await scenario.clear(e);
  }
  records.push({ scenario: scenarioName, target: target.name, repeat, result });
  const open = result.afterOpen ? `, p99 after open ${Math.round(result.afterOpen.p99)} ms` : '';
  log(
    `  ${result.rps} req/s, p50 ${Math.round(result.latency.p50)} ms, p99 ${Math.round(result.latency.p99)} ms${open}, complete ${(result.completeShare * 100).toFixed(2)} %, peak RSS ${result.peakRssMb} MB${result.cost ? `, ${result.cost.cpuUs} µs CPU/request${result.cost.allocatedKb !== undefined ? `, ${result.cost.allocatedKb} KB allocated/request` : ''}` : ''}${result.aborted ? `, ABORTED: ${result.aborted}` : ''}`,
  );
}

async function main(): Promise<void> {
  log(`targets ${options.targets.join(', ')}; scenarios ${options.scenarios.join(', ')}`);
  env = await startEnvironment();
  for (let repeat = 1; repeat <= options.repeats; repeat++) {
    for (const [i, scenarioName] of options.scenarios.entries()) {
      const order = options.targets.map(
        (_, k) => options.targets[(k + repeat - 1 + i) % options.targets.length]!,
      );
      for (const name of order) {
        const target = TARGETS[name]!;
        if (target.scenarios && !target.scenarios.includes(scenarioName)) continue;
        if (SCENARIOS[scenarioName]!.targets && !SCENARIOS[scenarioName]!.targets.includes(name)) continue;
        await measure(target, scenarioName, repeat);
      }
    }
  }
}

async function write(): Promise<void> {
  const summaries = summarise(records);
  mkdirSync(options.outDir, { recursive: true });
  const rounded = records.map((r) => ({
    ...r,
    result: { ...r.result, samples: undefined, sampleCount: r.result.samples.length },
  }));
  writeFileSync(
    join(options.outDir, 'results.json'),
    JSON.stringify({ startedAt, command, options, summaries, runs: rounded }, null, 2),
  );
  const degraded = options.scenarios.filter((s) => SCENARIOS[s]!.degraded || s === 'redis-down');
  const charts: Record<string, string> = { 'summary.svg': await summaryChart(summaries) };
  if (degraded.length > 0) charts['timeline.svg'] = await timelineChart(records, degraded);
  for (const [file, svg] of Object.entries(charts)) writeFileSync(join(options.outDir, file), svg);
  const table = markdown(options, summaries, startedAt, command);
  const links = `\n![throughput and p99 per target](${options.publish ? 'benchmarks/' : ''}summary.svg)\n${degraded.length > 0 ? `\n![latency over time in failure scenarios, breaker transitions marked](${options.publish ? 'benchmarks/' : ''}timeline.svg)\n` : ''}`;
  writeFileSync(join(options.outDir, 'results.md'), `${table}${links.replaceAll('benchmarks/', '')}`);
  log(`results in ${options.outDir}`);
  if (options.publish) {
    publishBenchmarks('peers', `${table}${links}`, charts);
    log('published to docs/benchmarks.md');
  }
}

async function stopAll(): Promise<void> {
  await Promise.all([...running.values()].map((t) => t.stop()));
  await env?.stop();
}

const deadline = setTimeout(
  () => {
    console.error('benchmark exceeded its time budget; stopping everything');
    void stopAll().then(() => process.exit(2));
  },
  3 * 60 * 60_000,
);
deadline.unref();

main()
  .then(write)
  .then(stopAll)
  .then(() => process.exit(records.some((r) => r.result.aborted && r.target === 'gateway') ? 1 : 0))
  .catch(async (error: unknown) => {
    console.error(error);
    await stopAll();
    process.exit(1);
  });
