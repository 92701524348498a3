import type { BreakerState, Transition } from '../breakers/index.js';

const MINUTE = 60_000;

/** What one supplier did in one minute: calls that reached it, and its patients' sections by status. */
export interface Traffic {
  readonly calls: number;
  readonly failures: number;
  readonly live: number;
  readonly stale: number;
  readonly fallback: number;
  readonly unavailable: number;
}

const FIELDS = ['calls', 'failures', 'live', 'stale', 'fallback', 'unavailable'] as const;
const NONE: Traffic = { calls: 0, failures: 0, live: 0, stale: 0, fallback: 0, unavailable: 0 };

export interface MinuteView extends Traffic {
  /** The minute's start, ISO 8601. */
  readonly at: string;
}

export interface TransitionView {
  readonly at: string;
  readonly from: BreakerState;
  readonly to: BreakerState;
  readonly cause: string;
}

export interface SupplierHistoryView {
  readonly name: string;
  readonly domain: string;
  /** The breaker's state now: the timeline's last segment. */
  readonly state: BreakerState;
  /** Oldest first; the first one's `from` is the state at `since` (or `state` when there is none). */
  readonly transitions: readonly TransitionView[];
  /** One per minute from `since` to `until`, oldest first, zeros where nothing happened. */
  readonly minutes: readonly MinuteView[];
}

export interface HistoryView {
  readonly since: string;
  readonly until: string;
  readonly suppliers: readonly SupplierHistoryView[];
}

interface Bucket {
  readonly start: number;
  counts: Traffic;
}

interface Track {
  readonly buckets: Bucket[];
  readonly transitions: Transition[];
  /** The counters' last reading, so each reading adds only what happened since the one before. */
  totals: Traffic | undefined;
}

const add = (a: Traffic, b: Traffic): Traffic =>
  Object.fromEntries(FIELDS.map((f) => [f, a[f] + b[f]])) as unknown as Traffic;

/**
 * One replica's last hour per supplier: state transitions with their times, and one-minute buckets of
 * traffic. Memory is bounded: buckets and transitions older than the window are dropped on every write, and
 * at most `maxTransitions` are kept per supplier (a flapping breaker keeps its latest ones). Time is read
 * from `now` only.
 */
export class SupplierHistory {
  private readonly tracks = new Map<string, Track>();

  constructor(
    private readonly now: () => number,
    private readonly options: { readonly windowMs?: number; readonly maxTransitions?: number } = {},
  ) {
    const { windowMs = 60 * MINUTE, maxTransitions = 500 } = options;
    if (!Number.isInteger(windowMs) || windowMs < MINUTE || windowMs % MINUTE !== 0)
      throw new RangeError(`windowMs must be a whole number of minutes, got ${windowMs}`);
    if (!Number.isInteger(maxTransitions) || maxTransitions < 1)
      throw new RangeError(`maxTransitions must be a positive integer, got ${maxTransitions}`);
  }

  private get windowMs(): number {
    return this.options.windowMs ?? 60 * MINUTE;
  }

  transition(t: Transition): void {
    const track = this.track(t.supplier);
    track.transitions.push(t);
    const max = this.options.maxTransitions ?? 500;
    if (track.transitions.length > max) track.transitions.splice(0, track.transitions.length - max);
    this.prune(track);
  }

  /**
   * A reading of the supplier's running totals (counters that only grow). What grew since the previous
   * reading is counted in the minute of this one; a counter that went backwards (a reset) counts nothing
   * and becomes the new base. The first reading counts everything so far.
   */
  totals(supplier: string, totals: Traffic): void {
    const track = this.track(supplier);
    const before = track.totals ?? NONE;
    track.totals = totals;
    const delta = Object.fromEntries(
      FIELDS.map((f) => [f, Math.max(0, totals[f] - before[f])]),
    ) as unknown as Traffic;
    if (FIELDS.every((f) => delta[f] === 0)) return this.prune(track);
    this.count(track, delta);
  }

  /** The window ending now, for the suppliers given (in their order); suppliers never seen show zeros. */
  view(
    suppliers: readonly { readonly name: string; readonly domain: string; readonly state: BreakerState }[],
  ): HistoryView {
    const now = this.now();
    const minutes = this.windowMs / MINUTE;
    const first = Math.floor(now / MINUTE) * MINUTE - (minutes - 1) * MINUTE;
    const iso = (ms: number) => new Date(ms).toISOString();
    return {
      since: iso(first),
      until: iso(now),
      suppliers: suppliers.map((s) => {
        const track = this.tracks.get(s.name);
        const byStart = new Map(track?.buckets.map((b) => [b.start, b.counts]));
        return {
          name: s.name,
          domain: s.domain,
          state: s.state,
          transitions: (track?.transitions ?? [])
            .filter((t) => t.at >= first)
            .map((t) => ({ at: iso(t.at), from: t.from, to: t.to, cause: t.cause })),
          minutes: Array.from({ length: minutes }, (_, i) => {
            const start = first + i * MINUTE;
            return { at: iso(start), ...(byStart.get(start) ?? NONE) };
          }),
        };
      }),
    };
  }

  private track(supplier: string): Track {
    let track = this.tracks.get(supplier);
    if (!track) {
      track = { buckets: [], transitions: [], totals: undefined };
      this.tracks.set(supplier, track);
    }
    return track;
  }

  private count(track: Track, delta: Traffic): void {
    const start = Math.floor(this.now() / MINUTE) * MINUTE;
    const last = track.buckets.at(-1);
    // A clock stepped backwards adds to the newest bucket rather than reordering the list.
    if (last && last.start >= start) last.counts = add(last.counts, delta);
    else track.buckets.push({ start, counts: delta });
    this.prune(track);
  }

  /** Drops what has left the window: a bucket whose minute ended an hour or more ago, older transitions. */
  private prune(track: Track): void {
    const oldest = Math.floor(this.now() / MINUTE) * MINUTE - this.windowMs + MINUTE;
    const stale = track.buckets.findIndex((b) => b.start >= oldest);
    track.buckets.splice(0, stale < 0 ? track.buckets.length : stale);
    const old = track.transitions.findIndex((t) => t.at >= oldest);
    track.transitions.splice(0, old < 0 ? track.transitions.length : old);
  }
}
