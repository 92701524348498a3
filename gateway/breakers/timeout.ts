import type { Clock } from '../../lib/clock.js';
import { SupplierFailure } from './failure.js';

/**
 * Runs `call` with a deadline. At the deadline the call's AbortSignal fires — so the HTTP request and its
 * socket are really released — and the returned promise rejects with a TIMEOUT failure, whether or not
 * `call` honours the signal.
 */
export function withTimeout<T>(
  call: (signal: AbortSignal) => Promise<T>,
  timeoutMs: number,
  clock: Clock,
): Promise<T> {
  const controller = new AbortController();
  return new Promise<T>((resolve, reject) => {
    const timer = clock.setTimeout(() => {
      const failure = new SupplierFailure('TIMEOUT', `no answer within ${timeoutMs} ms`);
      controller.abort(failure);
      reject(failure);
    }, timeoutMs);
    call(controller.signal).then(
      (value) => {
        clock.clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clock.clearTimeout(timer);
        reject(controller.signal.aborted ? (controller.signal.reason as SupplierFailure) : (error as Error));
      },
    );
  });
}
