import type { BenchEnvironment } from './environment.js';

/**
 * What goes wrong during a measured run. `apply` runs at the start of the measurement (after a healthy
 * warm-up), so the run shows the transition as well as the steady state; `clear` restores health.
 */
export interface Scenario {
  readonly name: string;
  readonly description: string;
  /** Overrides the run's connection count (the memory scenario). */
  readonly connections?: number;
  /** A supplier is failing: missing sections are counted, not treated as wrong answers. */
  readonly degraded: boolean;
  /** The targets it applies to, when not every one (the market scenario needs the market target). */
  readonly targets?: readonly string[];
  apply(env: BenchEnvironment): Promise<void>;
  clear(env: BenchEnvironment): Promise<void>;
}

const nothing = async () => undefined;
const gpFault = (settings: Parameters<BenchEnvironment['gp']['faults']>[0]) => (env: BenchEnvironment) =>
  env.gp.faults(settings);
const gpHealthy = (env: BenchEnvironment) => env.gp.faults({ mode: 'none' });

export const SCENARIOS: Readonly<Record<string, Scenario>> = {
  healthy: {
    name: 'healthy',
    description: 'both suppliers healthy',
    degraded: false,
    apply: nothing,
    clear: nothing,
  },
  'healthy-c100': {
    name: 'healthy-c100',
    description: 'both suppliers healthy, 100 connections (memory target)',
    connections: 100,
    degraded: false,
    apply: nothing,
    clear: nothing,
  },
  killed: {
    name: 'killed',
    description: 'GP supplier process killed (SIGKILL) at the start',
    degraded: true,
    apply: (env) => env.gp.kill(),
    clear: (env) => env.gp.restart(),
  },
  hung: {
    name: 'hung',
    description: 'GP supplier accepts connections and never answers',
    degraded: true,
    apply: gpFault({ mode: 'hang' }),
    clear: gpHealthy,
  },
  slow: {
    name: 'slow',
    description: 'GP supplier answers after 500 ms',
    degraded: true,
    apply: gpFault({ mode: 'slow', latencyMs: 500 }),
    clear: gpHealthy,
  },
  flapping: {
    name: 'flapping',
    description: 'GP supplier alternates 1 s healthy / 1 s HTTP 500',
    degraded: true,
    apply: gpFault({ mode: 'flap', periodMs: 1_000, failure: 'http-500' }),
    clear: gpHealthy,
  },
  'gp-system-killed': {
    name: 'gp-system-killed',
    description: 'one GP system of three (gp-aurora) killed, over the reference market',
    degraded: true,
    targets: ['market'],
    apply: async (env) => (await env.market()).get('gp-aurora')!.kill(),
    clear: async (env) => (await env.market()).get('gp-aurora')!.restart(),
  },
  'redis-down': {
    name: 'redis-down',
    description: 'Redis killed at the start (only this gateway uses it)',
    degraded: false,
    apply: (env) => env.redis.kill(),
    clear: (env) => env.redis.restart(),
  },
};
