// `npm run test:stress -- --runs 20 --busy 2`: the whole vitest suite run again and again, each time in a
// shuffled order (a different seed per run), while `--busy` processes keep the cores loaded. Prints each
// run's result and, at the end, every test that failed and how often. A test that fails once here is a
// bug to fix (docs/reliability.md). Exit code 1 when any run failed.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '20' },
    busy: { type: 'string', default: '2' },
    shuffle: { type: 'boolean', default: true },
  },
});
const runs = Number(values.runs);
const busy = Number(values.busy);
if (!(runs >= 1 && runs <= 500) || !(busy >= 0 && busy <= 16)) {
  console.error(`--runs 1-500 and --busy 0-16, got ${JSON.stringify(values)}`);
  process.exit(2);
}

// Busy loops, one per core to load; stopped by PID at the end, whatever happens.
const loaders = Array.from({ length: busy }, () =>
  spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }),
);
// The running vitest is the leader of its own process group, so stopping the group stops its workers too.
let current;
const stopAll = () => {
  loaders.forEach((l) => l.kill('SIGKILL'));
  if (current && current.exitCode === null) {
    try {
      process.kill(-current.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
};
process.on('exit', stopAll);
process.on('SIGINT', () => process.exit(130));
process.on('SIGTERM', () => process.exit(143));

const failures = new Map();
let failedRuns = 0;
for (let run = 1; run <= runs; run++) {
  const seed = 1000 + run;
  const args = ['run', ...(values.shuffle ? ['--sequence.shuffle', `--sequence.seed=${seed}`] : [])];
  const started = Date.now();
  // Asynchronous, so a signal to this script is handled at once (and stops the busy processes).
  const result = await new Promise((resolve) => {
    const child = spawn('node_modules/.bin/vitest', args, {
      stdio: 'ignore',
      env: process.env,
      detached: true,
    });
    current = child;
    child.on('exit', (status) => resolve({ status }));
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  let failed = [];
  let summary = `exit ${result.status}`;
  try {
    const report = JSON.parse(readFileSync('test-results/vitest.json', 'utf8'));
    failed = report.testResults.flatMap((file) =>
      file.assertionResults
        .filter((t) => t.status === 'failed')
        .map(
          (t) =>
            `${file.name.replace(`${process.cwd()}/`, '')} > ${t.fullName}\n      ${(t.failureMessages?.[0] ?? '').split('\n')[0].slice(0, 300)}`,
        ),
    );
    summary = `${report.numPassedTests} passed, ${report.numFailedTests} failed`;
  } catch {
    failed = ['(no report: the run did not finish)'];
  }
  if (result.status !== 0) failedRuns++;
  for (const name of failed) failures.set(name, (failures.get(name) ?? 0) + 1);
  console.log(`run ${run}/${runs} (seed ${seed}, ${seconds} s, ${busy} busy): ${summary}`);
  for (const name of failed) console.log(`  FAILED ${name}`);
}
console.log(`\n${runs - failedRuns}/${runs} runs passed with ${busy} cores kept busy`);
for (const [name, count] of failures) console.log(`  ${count}× ${name}`);
// The busy loops would keep this process alive (and the cores busy) for ever: stop them now, not on 'exit'.
stopAll();
process.exitCode = failedRuns === 0 ? 0 : 1;
