/**
 * The breaker's state, as one value, and the only function that changes it.
 *
 * The circuit itself is CLOSED, OPEN (since when, why, until when) or HALF_OPEN (waiting for its one probe,
 * or with the probe in flight). An operator's isolation lies over the circuit: while isolated nothing is
 * sent, the circuit keeps its own state underneath (an open circuit still goes half-open on time), and a
 * restore resumes from it. The epoch moves on every change of the circuit, so an answer to a call that
 * started in an earlier epoch (a late answer from before the breaker opened) can be told apart from the
 * probe's.
 */
export type Circuit =
  | { readonly kind: 'CLOSED' }
  | { readonly kind: 'OPEN'; readonly cause: string; readonly halfOpenAt: number }
  | { readonly kind: 'HALF_OPEN'; readonly probe: 'awaited' | 'in-flight' };

export interface BreakerCore {
  readonly circuit: Circuit;
  readonly epoch: number;
  /** An operator's isolation and why, or undefined. */
  readonly isolation: string | undefined;
}

/** What is reported: the isolation when there is one, else the circuit's own state. */
export type BreakerState = 'CLOSED' | 'OPEN' | 'HALF_OPEN' | 'ISOLATED';

export const reported = (core: BreakerCore): BreakerState =>
  core.isolation ? 'ISOLATED' : core.circuit.kind;

export type BreakerEvent =
  /** A policy, or a failed idle probe, says a closed circuit should open. */
  | { readonly type: 'trip'; readonly cause: string; readonly at: number; readonly resetTimeoutMs: number }
  /** The open period is over: one probe may go. */
  | { readonly type: 'reset-timeout'; readonly epoch: number }
  /** The half-open probe was sent. */
  | { readonly type: 'probe-sent' }
  /** An answer (or a failure) of a call that started in `startedIn`. */
  | {
      readonly type: 'outcome';
      readonly ok: boolean;
      readonly startedIn: number;
      readonly at: number;
      readonly resetTimeoutMs: number;
    }
  | { readonly type: 'isolate'; readonly cause: string }
  | { readonly type: 'restore' }
  | { readonly type: 'reset'; readonly keepIsolation: boolean };

export const INITIAL: BreakerCore = { circuit: { kind: 'CLOSED' }, epoch: 0, isolation: undefined };

const moved = (core: BreakerCore, circuit: Circuit): BreakerCore => ({
  ...core,
  circuit,
  epoch: core.epoch + 1,
});

/** The next state; the same object when the event changes nothing. Pure: timers and calls are the caller's. */
export function next(core: BreakerCore, event: BreakerEvent): BreakerCore {
  const { circuit } = core;
  switch (event.type) {
    case 'trip':
      if (circuit.kind !== 'CLOSED') return core;
      return moved(core, { kind: 'OPEN', cause: event.cause, halfOpenAt: event.at + event.resetTimeoutMs });
    case 'reset-timeout':
      if (circuit.kind !== 'OPEN' || event.epoch !== core.epoch) return core;
      return moved(core, { kind: 'HALF_OPEN', probe: 'awaited' });
    case 'probe-sent':
      if (circuit.kind !== 'HALF_OPEN' || circuit.probe !== 'awaited') return core;
      // Not a new epoch: the probe's answer belongs to this one.
      return { ...core, circuit: { kind: 'HALF_OPEN', probe: 'in-flight' } };
    case 'outcome':
      // Only the probe decides in half-open; answers from earlier epochs count in the statistics only.
      if (circuit.kind !== 'HALF_OPEN' || event.startedIn !== core.epoch) return core;
      return event.ok
        ? moved(core, { kind: 'CLOSED' })
        : moved(core, {
            kind: 'OPEN',
            cause: 'half-open probe failed',
            halfOpenAt: event.at + event.resetTimeoutMs,
          });
    case 'isolate':
      return { ...core, isolation: event.cause };
    case 'restore':
      return core.isolation === undefined ? core : { ...core, isolation: undefined };
    case 'reset':
      return {
        circuit: { kind: 'CLOSED' },
        epoch: core.epoch + 1,
        isolation: event.keepIsolation ? core.isolation : undefined,
      };
    default:
      return assertNever(event);
  }
}

function assertNever(event: never): never {
  throw new Error(`unknown breaker event ${JSON.stringify(event)}`);
}
