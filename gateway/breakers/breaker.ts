import type { Clock } from '../../lib/clock.js';
import { SupplierFailure } from './failure.js';
import { breakerOptions, type BreakerOptions, type BreakerOptionsInput } from './options.js';
import { openingPolicy, type OpeningPolicy } from './policy.js';
import { INITIAL, next, reported, type BreakerCore, type BreakerEvent, type BreakerState } from './state.js';
import { withTimeout } from './timeout.js';
import { RollingWindow } from './window.js';

export type { BreakerState } from './state.js';

export interface Transition {
  readonly supplier: string;
  readonly from: BreakerState;
  readonly to: BreakerState;
  /** Epoch milliseconds. */
  readonly at: number;
  readonly cause: string;
}

export interface BreakerStats {
  readonly state: BreakerState;
  readonly since: number;
  /** Rolling-window counts: calls that reached the supplier, and those the breaker refused. */
  readonly calls: number;
  readonly failures: number;
  readonly timeouts: number;
  readonly rejected: number;
  readonly errorRate: number;
  readonly latencyMs: { readonly p50: number; readonly p90: number; readonly p99: number };
  readonly lastFailure?: { readonly reason: string; readonly detail: string; readonly at: number };
}

export interface BreakerDependencies {
  /** Every time rule reads this clock and sets its timers on it: the window, timeouts, open periods, probes. */
  readonly clock: Clock;
  /** The background half-open probe (used when halfOpenProbe is `synthetic`) and the idle probe. */
  readonly probe?: (signal: AbortSignal) => Promise<unknown>;
  /** Decides which rejections count against the supplier; by default every SupplierFailure that `counts`. */
  readonly isFailure?: (error: unknown) => boolean;
  /** When a closed breaker opens; by default the options' consecutive failures, then error rate. */
  readonly policy?: OpeningPolicy;
}

/**
 * One supplier's circuit breaker. Its state is one value (state.ts) changed only by `next`; this class
 * makes the calls, keeps the rolling window, sets the timers on the injected clock and tells listeners of
 * every transition, including into and out of HALF_OPEN and ISOLATED.
 */
export class SupplierBreaker {
  readonly options: BreakerOptions;
  private core: BreakerCore = INITIAL;
  private window: RollingWindow;
  private readonly policy: OpeningPolicy;
  private readonly isFailure: (error: unknown) => boolean;
  private readonly listeners = new Set<(t: Transition) => void>();
  private enteredAt: number;
  private lastFailure: BreakerStats['lastFailure'];
  private consecutiveFailures = 0;
  private lastCallAt: number;
  private idleTimer: unknown;
  private resetTimer: unknown;
  private stopped = false;

  constructor(
    readonly supplier: string,
    options: BreakerOptionsInput,
    private readonly deps: BreakerDependencies,
  ) {
    this.options = breakerOptions(supplier, options);
    this.policy = deps.policy ?? openingPolicy(this.options);
    this.isFailure = deps.isFailure ?? ((e: unknown) => !(e instanceof SupplierFailure) || e.counts);
    this.window = this.newWindow();
    this.enteredAt = deps.clock.now();
    this.lastCallAt = this.enteredAt;
    this.scheduleIdleProbe();
  }

  get state(): BreakerState {
    return reported(this.core);
  }

  /** Epoch milliseconds when the current state began. */
  get since(): number {
    return this.enteredAt;
  }

  /**
   * Runs `call` under the breaker and the timeout. Rejects with a SupplierFailure: ISOLATED or BREAKER_OPEN
   * without calling, TIMEOUT when the deadline passes, or whatever `call` rejected with.
   */
  async execute<T>(call: (signal: AbortSignal) => Promise<T>): Promise<T> {
    if (this.core.isolation) {
      this.window.record('rejected');
      throw new SupplierFailure('ISOLATED', `${this.supplier} is isolated`);
    }
    this.lastCallAt = this.deps.clock.now();
    const { circuit } = this.core;
    const probing = circuit.kind === 'HALF_OPEN';
    if (circuit.kind === 'OPEN' || (probing && (this.synthetic || circuit.probe === 'in-flight'))) {
      this.window.record('rejected');
      const how = probing ? 'being probed' : 'open';
      throw new SupplierFailure('BREAKER_OPEN', `${this.supplier} breaker is ${how}`);
    }
    // In half-open with request probes, this call is the probe.
    if (probing) this.apply({ type: 'probe-sent' }, 'probe sent');
    return this.run(call);
  }

  /** Stops all traffic to the supplier until `restore`. */
  isolate(cause: string): void {
    this.apply({ type: 'isolate', cause }, cause);
  }

  /** Ends an isolation. The circuit resumes where it is: OPEN until its time, or HALF_OPEN (probe now). */
  restore(cause: string): void {
    this.apply({ type: 'restore' }, cause);
    this.probeIfDue();
  }

  /**
   * Starts the breaker afresh: closed, with an empty rolling window (failures from before the reset must
   * not re-open it), no last failure, and not isolated unless `keepIsolation`. Calls in flight finish,
   * uncounted against the new state (they belong to an earlier epoch).
   */
  reset(cause: string, options: { keepIsolation?: boolean } = {}): void {
    this.window = this.newWindow();
    this.lastFailure = undefined;
    this.consecutiveFailures = 0;
    this.deps.clock.clearTimeout(this.resetTimer);
    this.apply({ type: 'reset', keepIsolation: options.keepIsolation === true }, cause);
  }

  onTransition(listener: (t: Transition) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  stats(): BreakerStats {
    const counts = this.window.counts();
    return {
      state: this.state,
      since: this.enteredAt,
      ...counts,
      errorRate: counts.calls === 0 ? 0 : counts.failures / counts.calls,
      latencyMs: {
        p50: Math.round(this.window.percentile(0.5)),
        p90: Math.round(this.window.percentile(0.9)),
        p99: Math.round(this.window.percentile(0.99)),
      },
      ...(this.lastFailure ? { lastFailure: this.lastFailure } : {}),
    };
  }

  shutdown(): void {
    this.stopped = true;
    this.deps.clock.clearTimeout(this.idleTimer);
    this.deps.clock.clearTimeout(this.resetTimer);
    this.listeners.clear();
  }

  private get synthetic(): boolean {
    return this.options.halfOpenProbe === 'synthetic' && this.deps.probe !== undefined;
  }

  private newWindow(): RollingWindow {
    const { rollingWindowMs, rollingBuckets } = this.options;
    return new RollingWindow(rollingWindowMs, rollingBuckets, () => this.deps.clock.now());
  }

  /** `call` under the timeout, its outcome counted and handed to the state machine with its epoch. */
  private async run<T>(call: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const startedIn = this.core.epoch;
    const started = this.deps.clock.now();
    try {
      const value = await withTimeout(call, this.options.timeoutMs, this.deps.clock);
      this.settled(true, startedIn, started);
      return value;
    } catch (error) {
      // An error the filter does not count is an answer: the supplier is there (a probe succeeded).
      const counts = this.isFailure(error);
      this.settled(!counts, startedIn, started, counts ? error : undefined);
      throw error;
    }
  }

  private settled(ok: boolean, startedIn: number, started: number, error?: unknown): void {
    const at = this.deps.clock.now();
    if (ok) {
      this.window.record('success', at - started);
      this.consecutiveFailures = 0;
    } else {
      const reason = error instanceof SupplierFailure ? error.reason : 'SUPPLIER_ERROR';
      this.window.record(reason === 'TIMEOUT' ? 'timeout' : 'failure', at - started);
      this.lastFailure = { reason, detail: (error as Error).message, at };
      this.consecutiveFailures++;
      if (this.core.circuit.kind === 'CLOSED') {
        const cause = this.policy({
          window: this.window.counts(),
          consecutiveFailures: this.consecutiveFailures,
        });
        if (cause) this.trip(cause);
      }
    }
    const { resetTimeoutMs } = this.options;
    const cause = ok ? 'probe succeeded' : 'half-open probe failed';
    this.apply({ type: 'outcome', ok, startedIn, at, resetTimeoutMs }, cause);
  }

  private trip(cause: string): void {
    const { resetTimeoutMs } = this.options;
    this.apply({ type: 'trip', cause, at: this.deps.clock.now(), resetTimeoutMs }, cause);
  }

  /** Changes the state through `next`, then does what the new state asks for: timers, a probe, listeners. */
  private apply(event: BreakerEvent, cause: string): void {
    const before = this.core;
    const after = next(before, event);
    if (after === before) return;
    this.core = after;
    if (after.circuit.kind === 'OPEN' && after.epoch !== before.epoch) this.scheduleHalfOpen(after.epoch);
    if (after.circuit.kind === 'CLOSED' && after.epoch !== before.epoch) this.consecutiveFailures = 0;
    const from = reported(before);
    const to = reported(after);
    if (from !== to) {
      const transition: Transition = { supplier: this.supplier, from, to, at: this.deps.clock.now(), cause };
      this.enteredAt = transition.at;
      for (const listener of this.listeners) listener(transition);
    }
    if (after.circuit.kind === 'HALF_OPEN' && before.circuit.kind !== 'HALF_OPEN') this.probeIfDue();
  }

  private scheduleHalfOpen(epoch: number): void {
    this.deps.clock.clearTimeout(this.resetTimer);
    if (this.stopped) return;
    this.resetTimer = this.deps.clock.setTimeout(() => {
      const cause = `open for ${this.options.resetTimeoutMs} ms; probing`;
      this.apply({ type: 'reset-timeout', epoch }, cause);
    }, this.options.resetTimeoutMs);
  }

  /** Sends the synthetic half-open probe when one is awaited and nothing holds it back. */
  private probeIfDue(): void {
    const { circuit, isolation } = this.core;
    const probe = this.deps.probe;
    if (!this.synthetic || !probe || isolation || this.stopped) return;
    if (circuit.kind !== 'HALF_OPEN' || circuit.probe !== 'awaited') return;
    this.apply({ type: 'probe-sent' }, 'probe sent');
    this.run(probe).catch(() => undefined);
  }

  private scheduleIdleProbe(): void {
    const every = this.options.idleProbeIntervalMs;
    const probe = this.deps.probe;
    if (every <= 0 || !probe || this.stopped) return;
    this.idleTimer = this.deps.clock.setTimeout(() => {
      void this.idleProbe(probe, every).finally(() => this.scheduleIdleProbe());
    }, every);
  }

  /** Probes a closed, idle supplier; a failure opens the breaker (there is no traffic to wait for). */
  private async idleProbe(probe: (signal: AbortSignal) => Promise<unknown>, every: number): Promise<void> {
    const idle = this.deps.clock.now() - this.lastCallAt >= every;
    if (this.core.isolation || this.core.circuit.kind !== 'CLOSED' || !idle) return;
    try {
      await withTimeout(probe, this.options.timeoutMs, this.deps.clock);
    } catch (error) {
      const reason = error instanceof SupplierFailure ? error.reason : 'SUPPLIER_ERROR';
      this.lastFailure = { reason, detail: (error as Error).message, at: this.deps.clock.now() };
      if (this.core.isolation || this.core.circuit.kind !== 'CLOSED') return;
      this.trip(`idle probe failed (${reason})`);
    }
  }
}
