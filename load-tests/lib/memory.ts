import { readFileSync } from 'node:fs';

/** Resident set size of a process in MB, from /proc (Linux); undefined once the process is gone. */
export function rssMb(pid: number): number | undefined {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Samples a process's RSS every `everyMs` until stopped; resolves with the peak seen. */
export function samplePeakRss(pid: number, everyMs = 100): { stop(): number } {
  let peak = rssMb(pid) ?? 0;
  const timer = setInterval(() => {
    const now = rssMb(pid);
    if (now !== undefined && now > peak) peak = now;
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      return Math.round(peak);
    },
  };
}
