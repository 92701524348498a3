import { systemClock, type Clock } from '../../lib/clock.js';

/** A clock that only moves when told to. Timers fire, in order, as `tick` passes them. */
export class FakeClock implements Clock {
  private timers: { at: number; callback: () => void; id: number }[] = [];
  private nextId = 1;

  constructor(private current = Date.parse('2026-11-21T09:00:00Z')) {}

  now = (): number => this.current;

  setTimeout = (callback: () => void, ms: number): unknown => {
    const id = this.nextId++;
    this.timers.push({ at: this.current + ms, callback, id });
    return id;
  };

  clearTimeout = (handle: unknown): void => {
    this.timers = this.timers.filter((t) => t.id !== handle);
  };

  /** How many timers wait to fire. */
  pending(): number {
    return this.timers.length;
  }

  /** Sets the time outright, backwards included (a clock step); due timers are not run. */
  set(ms: number): void {
    this.current = ms;
  }

  tick(ms: number): void {
    const until = this.current + ms;
    for (;;) {
      const due = this.timers.filter((t) => t.at <= until).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.current = due.at;
      due.callback();
    }
    this.current = until;
  }
}

/** Lets scheduled work (setImmediate, resolved promises) run. */
export const flush = () => new Promise<void>((resolve) => setImmediate(() => setImmediate(resolve)));

/**
 * The real clock, whose timers a test can hold: a timer that comes due while held runs on release. For a
 * test that must observe a state (a breaker OPEN) before a timer ends it, however slow the machine.
 */
export class HoldableClock implements Clock {
  private held = false;
  private nextId = 1;
  private readonly timers = new Map<number, unknown>();
  private readonly due = new Map<number, () => void>();

  now = (): number => systemClock.now();

  setTimeout = (callback: () => void, ms: number): unknown => {
    const id = this.nextId++;
    const fire = () => {
      this.timers.delete(id);
      if (this.held) this.due.set(id, callback);
      else callback();
    };
    this.timers.set(id, systemClock.setTimeout(fire, ms));
    return id;
  };

  clearTimeout = (handle: unknown): void => {
    systemClock.clearTimeout(this.timers.get(handle as number));
    this.timers.delete(handle as number);
    this.due.delete(handle as number);
  };

  hold(): void {
    this.held = true;
  }

  /** Lets timers fire again, first those that came due while held, in the order they did. */
  release(): void {
    this.held = false;
    const due = [...this.due.values()];
    this.due.clear();
    for (const callback of due) callback();
  }
}
