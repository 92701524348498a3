/**
 * Time, injected. Every time-based rule in the project (timeouts, staleness, quarantine cut-offs, time in
 * state) reads the clock it was given, so tests drive it by hand instead of sleeping.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/**
 * The real clock. It looks the globals up on every call, so tests that fake the global timers (vitest's
 * `vi.useFakeTimers`) also drive this clock.
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => {
    const handle = setTimeout(callback, ms);
    handle.unref?.();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * Runs `task` every `ms` on `clock` until the returned function is called: a repeating timer that an
 * injected clock drives like any other (each run is scheduled after the previous one was started).
 */
export function every(clock: Clock, ms: number, task: () => void): () => void {
  let handle: unknown;
  let stopped = false;
  const schedule = () => {
    handle = clock.setTimeout(() => {
      if (stopped) return;
      schedule();
      task();
    }, ms);
  };
  schedule();
  return () => {
    stopped = true;
    clock.clearTimeout(handle);
  };
}
