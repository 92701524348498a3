import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';

export type Phase = 'starting' | 'serving' | 'draining';

/**
 * A gateway's one lifecycle: its phase (only `serving` is ready), and everything it opened, closed in the
 * reverse order of opening (on a stop, or when start-up fails half-way). Closing twice closes nothing twice.
 */
export class Lifecycle {
  phase: Phase = 'starting';
  private readonly closers: (() => Promise<unknown>)[] = [];

  constructor(
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  onClose(close: () => Promise<unknown>): void {
    this.closers.push(close);
  }

  /** Stops at once; a part that fails to close does not keep the others open. */
  async close(): Promise<void> {
    this.phase = 'draining';
    for (const close of this.closers.splice(0).reverse()) await close().catch(() => undefined);
  }

  /**
   * The graceful stop: not ready from now on; the grace period (the load balancer's time to notice),
   * then the endpoint's own drain (in flight finish, new connections refused), then every part closed,
   * which flushes cache writes and the audit trail. Resolves with how many requests the timeout cut.
   */
  async drain(
    endpoint: { drain(deadlineMs: number): Promise<number> },
    settings: { readonly graceMs: number; readonly timeoutMs: number },
  ): Promise<number> {
    this.phase = 'draining';
    this.logger.info({ graceMs: settings.graceMs, timeoutMs: settings.timeoutMs }, 'draining');
    await new Promise<void>((resolve) => this.clock.setTimeout(resolve, settings.graceMs));
    const cut = await endpoint.drain(settings.timeoutMs);
    if (cut > 0) this.logger.warn({ cut }, 'drain timeout: requests still in flight were cut');
    await this.close();
    this.logger.info({ cut }, 'drained');
    return cut;
  }
}
