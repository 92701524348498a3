import { parseArgs } from 'node:util';
import { SCENARIOS } from './scenarios.js';
import { TARGETS } from './targets.js';

export interface BenchOptions {
  readonly targets: readonly string[];
  readonly scenarios: readonly string[];
  readonly durationS: number;
  readonly warmupS: number;
  readonly connections: number;
  readonly repeats: number;
  readonly outDir: string;
  /** Rewrite docs/benchmarks.md and its charts with this run's results. */
  readonly publish: boolean;
  /** Node flags added to the production ones for the `gateway-flags` target. */
  readonly gatewayNodeFlags: readonly string[];
}

const USAGE = `npm run bench -- [--targets=gateway,apollo,hive,mercurius,subgraph] [--scenarios=healthy,killed,...]
                     [--duration=10] [--warmup=3] [--connections=50] [--repeats=3] [--quick] [--no-publish]
                     [--gateway-node-flags="--max-semi-space-size=8 ..."]  (with --targets=gateway,gateway-flags)`;

/** Targets run only when named (they need a setting, or repeat another target). */
const ON_REQUEST = ['gateway-flags'];

/** Node flags as one string: each `--name` or `--name=value`, or a RangeError quoting the one that is not. */
export function nodeFlags(value: string | undefined): string[] {
  const flags = (value ?? '').split(/\s+/).filter(Boolean);
  const bad = flags.find((f) => !/^--[a-z0-9][a-z0-9-_]*(=[^\s]+)?$/i.test(f));
  if (bad !== undefined)
    throw new RangeError(
      `--gateway-node-flags takes Node flags such as --max-semi-space-size=8, got "${bad}"`,
    );
  return flags;
}

function list(value: string | undefined, known: readonly string[], what: string): string[] {
  if (value === undefined) return known.filter((k) => !ON_REQUEST.includes(k));
  const chosen = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = chosen.filter((c) => !known.includes(c));
  if (unknown.length > 0)
    throw new RangeError(`unknown ${what} ${JSON.stringify(unknown)}; choose from ${known.join(', ')}`);
  return chosen;
}

/** A whole-number option within bounds, or a RangeError quoting the bad value. */
export function whole(
  value: string | undefined,
  fallback: number,
  min: number,
  max: number,
  name: string,
): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new RangeError(`--${name} must be a whole number from ${min} to ${max}, got "${value}"`);
  return n;
}

export function benchOptions(argv: readonly string[]): BenchOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      targets: { type: 'string' },
      scenarios: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      repeats: { type: 'string' },
      out: { type: 'string' },
      quick: { type: 'boolean', default: false },
      'no-publish': { type: 'boolean', default: false },
      'gateway-node-flags': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const quick = values.quick;
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const targets = list(values.targets, Object.keys(TARGETS), 'targets');
  const gatewayNodeFlags = nodeFlags(values['gateway-node-flags']);
  if (targets.includes('gateway-flags') !== gatewayNodeFlags.length > 0)
    throw new RangeError(
      '--gateway-node-flags and the gateway-flags target go together: name both or neither',
    );
  return {
    targets,
    scenarios: list(values.scenarios, Object.keys(SCENARIOS), 'scenarios'),
    durationS: whole(values.duration, quick ? 4 : 10, 1, 600, 'duration'),
    warmupS: whole(values.warmup, quick ? 2 : 3, 1, 60, 'warmup'),
    connections: whole(values.connections, 50, 1, 1_000, 'connections'),
    repeats: whole(values.repeats, quick ? 1 : 3, 1, 20, 'repeats'),
    outDir: values.out ?? `load-tests/results/${stamp}`,
    // A run measuring a runtime flag is an experiment, not the published comparison.
    publish: !quick && !values['no-publish'] && gatewayNodeFlags.length === 0,
    gatewayNodeFlags,
  };
}
