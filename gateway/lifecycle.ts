import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';

/** The longest one part may take to close before the stop moves on to the next. */
const CLOSE_STEP_MS = 5_000;

export type Phase = 'starting' | 'serving' | 'draining';

/**
 * A gateway's one lifecycle: its phase (only `serving` is ready), and everything it opened, closed in the
 * reverse order of opening (on a stop, or when start-up fails half-way). Closing twice closes nothing twice.
 */
export class Lifecycle {
  phase: Phase = 'starting';
  private readonly closers: (() => Promise<unknown>)[] = [];
  private closing: Promise<void> | undefined;
  private draining: Promise<number> | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /** `part` names it in the error logged if it does not close within CLOSE_STEP_MS. */
  onClose(close: () => Promise<unknown>, part = 'a part'): void {
    this.closers.push(async () => {
      let timer: unknown;
      const late = new Promise<boolean>(
        (resolve) => (timer = this.clock.setTimeout(() => resolve(true), CLOSE_STEP_MS)),
      );
      const tooLate = await Promise.race([
        close().then(
          () => false,
          () => false,
        ),
        late,
      ]);
      this.clock.clearTimeout(timer);
      if (tooLate)
        this.logger.error({ part, waitedMs: CLOSE_STEP_MS }, 'did not close in time; stopping without it');
    });
  }

  /**
   * Stops at once. A part that fails to close, or takes longer than CLOSE_STEP_MS (a Redis that stopped
   * answering), does not keep the others open. A second call gets the stop already under way.
   */
  close(): Promise<void> {
    this.phase = 'draining';
    this.closing ??= (async () => {
      for (const close of this.closers.splice(0).reverse()) await close();
    })();
    return this.closing;
  }

  /**
   * The graceful stop: not ready from now on; the grace period (the load balancer's time to notice),
   * then the endpoint's own drain (in flight finish, new connections refused), then every part closed,
   * which flushes cache writes and the audit trail. Resolves with how many requests the timeout cut.
   */
  drain(
    endpoint: { drainSoon(): void; drain(deadlineMs: number): Promise<number> },
    settings: { readonly graceMs: number; readonly timeoutMs: number },
  ): Promise<number> {
    this.draining ??= (async () => {
      this.phase = 'draining';
      // Answers from now on close their connection, so keep-alive clients reconnect (to another replica)
      // during the grace period instead of finding the connection gone when it ends.
      endpoint.drainSoon();
      this.logger.info({ graceMs: settings.graceMs, timeoutMs: settings.timeoutMs }, 'draining');
      await new Promise<void>((resolve) => this.clock.setTimeout(resolve, settings.graceMs));
      const cut = await endpoint.drain(settings.timeoutMs);
      if (cut > 0) this.logger.warn({ cut }, 'drain timeout: requests still in flight were cut');
      await this.close();
      this.logger.info({ cut }, 'drained');
      return cut;
    })();
    return this.draining;
  }
}
