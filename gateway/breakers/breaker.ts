import type { Clock } from '../../lib/clock.js';
import { ProbeGuardedCircuit, tagError, type Tagged } from './circuit.js';
import { SupplierFailure } from './failure.js';
import { breakerOptions, type BreakerOptions, type BreakerOptionsInput } from './options.js';
import { withTimeout } from './timeout.js';

/** ISOLATED is an operator's decision layered over opossum's three states: nothing is sent at all. */
export type BreakerState = 'CLOSED' | 'OPEN' | 'HALF_OPEN' | 'ISOLATED';

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
  /** Rolling-window counts (opossum's window): calls that reached the supplier, and those the breaker refused. */
  readonly calls: number;
  readonly failures: number;
  readonly timeouts: number;
  readonly rejected: number;
  readonly errorRate: number;
  readonly latencyMs: { readonly p50: number; readonly p90: number; readonly p99: number };
  readonly lastFailure?: { readonly reason: string; readonly detail: string; readonly at: number };
}

export interface BreakerDependencies {
  readonly clock: Clock;
  /** The background half-open probe (used when halfOpenProbe is `synthetic`). */
  readonly probe?: (signal: AbortSignal) => Promise<unknown>;
  /** Decides which rejections count against the supplier; by default every SupplierFailure that `counts`. */
  readonly isFailure?: (error: unknown) => boolean;
}

const percentile = (values: Record<number, number>, p: number) => Math.max(0, Math.round(values[p] ?? 0));

/**
 * One supplier's circuit breaker, created once at start-up. Calls go through a timeout (which aborts the
 * request) inside opossum's breaker; ops can isolate the supplier, which refuses every call before it is
 * made. Listeners hear every transition, including into and out of HALF_OPEN and ISOLATED.
 */
export class SupplierBreaker {
  readonly options: BreakerOptions;
  private circuit: ProbeGuardedCircuit;
  private readonly listeners = new Set<(t: Transition) => void>();
  private isolated = false;
  private current: BreakerState = 'CLOSED';
  private enteredAt: number;
  private lastFailure: BreakerStats['lastFailure'];
  private consecutiveFailures = 0;
  /** Why the next OPEN happens, when this class (not opossum's failure rate) opens the circuit. */
  private openCause: string | undefined;
  private lastCallAt: number;
  private idleTimer: unknown;
  private stopped = false;

  constructor(
    readonly supplier: string,
    options: BreakerOptionsInput,
    private readonly deps: BreakerDependencies,
  ) {
    this.options = breakerOptions(supplier, options);
    this.enteredAt = deps.clock.now();
    this.lastCallAt = this.enteredAt;
    this.circuit = this.buildCircuit();
    this.scheduleIdleProbe();
  }

  /** A fresh opossum circuit (empty rolling window, CLOSED) wired to this breaker's listeners. */
  private buildCircuit(): ProbeGuardedCircuit {
    const deps = this.deps;
    const isFailure = deps.isFailure ?? ((e: unknown) => !(e instanceof SupplierFailure) || e.counts);
    const circuit = new ProbeGuardedCircuit({
      name: this.supplier,
      timeout: false, // our own timeout aborts the request; opossum's would only stop waiting for it
      resetTimeout: this.options.resetTimeoutMs,
      rollingCountTimeout: this.options.rollingWindowMs,
      rollingCountBuckets: this.options.rollingBuckets,
      volumeThreshold: this.options.volumeThreshold,
      errorThresholdPercentage: this.options.errorThresholdPercentage,
      errorFilter: (error: unknown) => !isFailure(error),
      enableSnapshots: false,
    });
    circuit.on('failure', (error: Error) => {
      const reason = error instanceof SupplierFailure ? error.reason : 'SUPPLIER_ERROR';
      this.lastFailure = { reason, detail: error.message, at: deps.clock.now() };
      this.consecutiveFailures++;
      const limit = this.options.consecutiveFailures;
      // Only from CLOSED: in half-open the probe decides (see circuit.ts).
      if (limit > 0 && this.consecutiveFailures >= limit && circuit.closed) {
        this.openCause = `${this.consecutiveFailures} consecutive failures`;
        circuit.open();
      }
    });
    circuit.on('success', () => (this.consecutiveFailures = 0));
    circuit.on('open', () => {
      const fallback =
        this.current === 'HALF_OPEN' ? 'half-open probe failed' : 'failure rate over threshold';
      this.settle(this.openCause ?? fallback);
      this.openCause = undefined;
    });
    circuit.on('close', () => {
      this.consecutiveFailures = 0;
      this.settle('probe succeeded');
    });
    circuit.on('halfOpen', () => {
      this.settle(`open for ${this.options.resetTimeoutMs} ms; probing`);
      if (!this.isolated) this.probeIfSynthetic();
    });
    return circuit;
  }

  get state(): BreakerState {
    return this.current;
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
    if (this.isolated) throw new SupplierFailure('ISOLATED', `${this.supplier} is isolated`);
    this.lastCallAt = this.deps.clock.now();
    if (this.options.halfOpenProbe === 'synthetic' && this.current === 'HALF_OPEN') {
      throw new SupplierFailure('BREAKER_OPEN', `${this.supplier} is being probed`);
    }
    try {
      const tagged = (await this.circuit.fire(this.timed(call), this.circuit.epoch)) as Tagged<T>;
      return tagged.value;
    } catch (error) {
      if ((error as { code?: string }).code === 'EOPENBREAKER') {
        throw new SupplierFailure(
          'BREAKER_OPEN',
          `${this.supplier} breaker is ${this.current.toLowerCase()}`,
        );
      }
      throw error;
    }
  }

  /** Stops all traffic to the supplier until `restore`. */
  isolate(cause: string): void {
    this.isolated = true;
    this.settle(cause);
  }

  /**
   * Ends an isolation. The breaker resumes where opossum's state machine is: OPEN until its reset timeout,
   * or HALF_OPEN — in which case the probe that isolation held back is sent now.
   */
  restore(cause: string): void {
    this.isolated = false;
    this.settle(cause);
    if (this.circuit.halfOpen) this.probeIfSynthetic();
  }

  /**
   * Starts the breaker afresh: closed, with an empty rolling window (failures from before the reset must
   * not re-open it), no last failure, and not isolated unless `keepIsolation`. Calls in flight finish, uncounted.
   */
  reset(cause: string, options: { keepIsolation?: boolean } = {}): void {
    this.isolated = options.keepIsolation === true && this.isolated;
    this.lastFailure = undefined;
    this.consecutiveFailures = 0;
    this.circuit.shutdown();
    this.circuit = this.buildCircuit();
    this.settle(cause);
  }

  onTransition(listener: (t: Transition) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  stats(): BreakerStats {
    const s = this.circuit.stats;
    const counted = s.successes + s.failures;
    return {
      state: this.current,
      since: this.enteredAt,
      calls: counted,
      failures: s.failures,
      timeouts: s.timeouts,
      rejected: s.rejects,
      errorRate: counted === 0 ? 0 : s.failures / counted,
      latencyMs: {
        p50: percentile(s.percentiles, 0.5),
        p90: percentile(s.percentiles, 0.9),
        p99: percentile(s.percentiles, 0.99),
      },
      ...(this.lastFailure ? { lastFailure: this.lastFailure } : {}),
    };
  }

  shutdown(): void {
    this.stopped = true;
    this.deps.clock.clearTimeout(this.idleTimer);
    this.circuit.shutdown();
    this.listeners.clear();
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
    if (this.isolated || this.current !== 'CLOSED' || this.deps.clock.now() - this.lastCallAt < every) return;
    try {
      await withTimeout(probe, this.options.timeoutMs, this.deps.clock);
    } catch (error) {
      const reason = error instanceof SupplierFailure ? error.reason : 'SUPPLIER_ERROR';
      this.lastFailure = { reason, detail: (error as Error).message, at: this.deps.clock.now() };
      if (this.isolated || !this.circuit.closed) return;
      this.openCause = `idle probe failed (${reason})`;
      this.circuit.open();
    }
  }

  /** Sends the background half-open probe (synthetic mode): the one call opossum lets through. */
  private probeIfSynthetic(): void {
    const probe = this.deps.probe;
    if (this.options.halfOpenProbe !== 'synthetic' || !probe) return;
    this.circuit.fire(this.timed(probe), this.circuit.epoch).catch(() => undefined);
  }

  /** `call` under the timeout, its value tagged with the breaker epoch it started in (see circuit.ts). */
  private timed<T>(call: (signal: AbortSignal) => Promise<T>): (startedIn: number) => Promise<Tagged<T>> {
    return (startedIn) =>
      withTimeout(call, this.options.timeoutMs, this.deps.clock).then(
        (value) => ({ startedIn, value }),
        (error: unknown) => {
          throw tagError(error, startedIn) as Error;
        },
      );
  }

  private settle(cause: string): void {
    const next: BreakerState = this.isolated
      ? 'ISOLATED'
      : this.circuit.opened
        ? 'OPEN'
        : this.circuit.halfOpen
          ? 'HALF_OPEN'
          : 'CLOSED';
    if (next === this.current) return;
    const transition: Transition = {
      supplier: this.supplier,
      from: this.current,
      to: next,
      at: this.deps.clock.now(),
      cause,
    };
    this.current = next;
    this.enteredAt = transition.at;
    for (const listener of this.listeners) listener(transition);
  }
}
