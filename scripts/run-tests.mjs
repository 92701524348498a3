// The suite as `npm test` runs it: every file in a shuffled order, so a test that leans on another's
// leftovers fails here rather than on someone's laptop. The seed is printed and can be given back
// (`TEST_SEED=1234 npm test`) to replay an order. Before the whole suite, the unit tests run under two
// more seeds (seconds each), so each CI run tries three orders; `npm run test:stress` tries many more.
import { spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';

const given = process.env.TEST_SEED;
if (given !== undefined && !/^\d{1,9}$/.test(given)) {
  console.error(`TEST_SEED must be a whole number of up to 9 digits, got ${JSON.stringify(given)}`);
  process.exit(2);
}
const seed = given === undefined ? randomInt(1, 1_000_000) : Number(given);
const vitest = (args) =>
  spawnSync('node_modules/.bin/vitest', ['run', '--sequence.shuffle', ...args], { stdio: 'inherit' }).status;

for (const extra of [seed + 1, seed + 2]) {
  console.log(`\nunit tests, shuffled with seed ${extra}`);
  const status = vitest([
    `--sequence.seed=${extra}`,
    `--outputFile.json=test-results/unit-${extra}.json`,
    'test/unit',
  ]);
  if (status !== 0) {
    console.error(
      `unit tests failed in the order of seed ${extra} (replay: TEST_SEED=${extra - 1} npm test)`,
    );
    process.exit(status ?? 1);
  }
}
console.log(`\nwhole suite, shuffled with seed ${seed} (replay: TEST_SEED=${seed} npm test)`);
const status = vitest([`--sequence.seed=${seed}`]);
if (status !== 0)
  console.error(`the suite failed in the order of seed ${seed} (replay: TEST_SEED=${seed} npm test)`);
process.exit(status ?? 1);
