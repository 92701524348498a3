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
 * `vi.useFakeTimers`, needed for opossum, which reads them directly) also drive this clock.
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
