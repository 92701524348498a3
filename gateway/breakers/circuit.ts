import CircuitBreaker from 'opossum';

/** What the breaker's action resolves with: the value, tagged with the breaker epoch the call started in. */
export interface Tagged<T> {
  readonly startedIn: number;
  readonly value: T;
}

/**
 * The epoch a call started in, on the error it failed with. opossum reports an error its errorFilter lets
 * through uncounted as a *success* whose result is the error itself, so the epoch must travel on the error.
 */
export const STARTED_IN = Symbol('startedIn');

/** Marks `error` with the epoch its call started in (see STARTED_IN). */
export function tagError(error: unknown, startedIn: number): unknown {
  if (typeof error === 'object' && error !== null) {
    Object.defineProperty(error, STARTED_IN, { value: startedIn, configurable: true });
  }
  return error;
}

type Action = (
  call: (epoch: number) => Promise<Tagged<unknown>>,
  startedIn: number,
) => Promise<Tagged<unknown>>;

/**
 * opossum's breaker with one rule added: only the half-open probe decides what happens in half-open.
 *
 * opossum closes a half-open breaker on *any* success and re-opens it on any failure, including a late
 * answer to a call that started before the breaker opened. Here each call carries the epoch it started in
 * (the epoch moves on every transition); in half-open, a success or failure from an earlier epoch is
 * counted in the statistics but does not change the state.
 */
export class ProbeGuardedCircuit extends CircuitBreaker<Parameters<Action>, Tagged<unknown>> {
  epoch = 0;
  private decidedByProbe = false;

  constructor(options: CircuitBreaker.Options) {
    const action: Action = (call, startedIn) => call(startedIn);
    super(action, options);
    // Runs before opossum's own success listener, which is the one that closes a half-open breaker.
    this.prependListener('success', (result: unknown) => {
      // A value (tagged) or an uncounted error (marked): either way the supplier answered the probe.
      const startedIn =
        result instanceof Error
          ? (result as unknown as Record<symbol, number | undefined>)[STARTED_IN]
          : (result as Tagged<unknown> | undefined)?.startedIn;
      this.decidedByProbe = startedIn === this.epoch;
    });
    this.prependListener('failure', (_error: Error, _latency: number, args: Parameters<Action>) => {
      this.decidedByProbe = args[1] === this.epoch;
    });
    const nextEpoch = () => void this.epoch++;
    this.on('open', nextEpoch);
    this.on('halfOpen', nextEpoch);
    this.on('close', nextEpoch);
  }

  override close(): void {
    if (this.halfOpen && !this.decidedByProbe) return;
    super.close();
  }

  override open(): void {
    if (this.halfOpen && !this.decidedByProbe) return;
    super.open();
  }
}
