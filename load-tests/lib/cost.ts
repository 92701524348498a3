import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** What a process has spent since it started: CPU time, and JS heap bytes allocated when it is probed. */
export interface ProcessCost {
  readonly cpuUs: number;
  /** Absent for a process started without the allocation probe. */
  readonly allocatedBytes?: number;
  /** Main-thread time in garbage collection; absent without the probe. */
  readonly gcUs?: number;
}

/** What a measured run cost its target, per answered request. */
export interface CostPerRequest {
  readonly cpuUs: number;
  readonly allocatedKb?: number;
  /** Of `cpuUs`, the main thread's time in garbage collection (with the probe only). */
  readonly gcUs?: number;
}

/**
 * Node flags that preload the allocation probe (load-tests/probe/alloc-probe.mjs) into a target;
 * BENCH_ALLOC_PROBE=off leaves it out (CPU is then read from /proc, and no allocation is reported).
 */
export const PROBE_FLAGS: readonly string[] =
  process.env.BENCH_ALLOC_PROBE === 'off'
    ? []
    : ['--import', fileURLToPath(new URL('../probe/alloc-probe.mjs', import.meta.url))];

/** Linux reports CPU time in /proc in clock ticks; 100 per second on every kernel this runs on. */
const TICKS_PER_SECOND = 100;

/** User + system CPU time of a process from /proc (10 ms resolution); undefined once it is gone. */
export function procCpuUs(pid: number): number | undefined {
  try {
    // Fields after the command name, which is in parentheses and may contain spaces.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND) * 1e6;
  } catch {
    return undefined;
  }
}

/**
 * Asks a child started with PROBE_FLAGS what it has spent so far; a child without the probe (or that does
 * not answer within 2 s) is measured from /proc, without allocations.
 */
export function probeCost(pid: number, child?: ChildProcess): Promise<ProcessCost> {
  const fallback = (): ProcessCost => ({ cpuUs: procCpuUs(pid) ?? 0 });
  if (!child?.connected) return Promise.resolve(fallback());
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.off('message', onMessage);
      resolve(fallback());
    }, 2_000);
    const onMessage = (message: {
      type?: string;
      cpuUs?: number;
      allocatedBytes?: number;
      gcUs?: number;
    }) => {
      if (message?.type !== 'cost-probe') return;
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve({ cpuUs: message.cpuUs!, allocatedBytes: message.allocatedBytes!, gcUs: message.gcUs! });
    };
    child.on('message', onMessage);
    child.send({ type: 'cost-probe' });
  });
}

/** The cost between two probes, divided over the requests answered in between (none answered: no figure). */
export function perRequest(
  before: ProcessCost,
  after: ProcessCost,
  requests: number,
): CostPerRequest | undefined {
  if (requests === 0) return undefined;
  const allocated =
    before.allocatedBytes !== undefined && after.allocatedBytes !== undefined
      ? {
          allocatedKb:
            Math.round(((after.allocatedBytes - before.allocatedBytes) / requests / 1024) * 10) / 10,
        }
      : {};
  const collecting =
    before.gcUs !== undefined && after.gcUs !== undefined
      ? { gcUs: Math.round((after.gcUs - before.gcUs) / requests) }
      : {};
  return { cpuUs: Math.round((after.cpuUs - before.cpuUs) / requests), ...allocated, ...collecting };
}
