import { randomBytes } from 'node:crypto';

export type StreamedEventType = 'transition' | 'control';

export interface StreamedEvent {
  /** `<run>-<sequence>`: unique to this process, increasing; what SSE sends as `id:`. */
  readonly id: string;
  readonly type: StreamedEventType;
  readonly data: unknown;
}

/**
 * The last `capacity` events the stream published, so a dashboard opened (or reconnecting) later still
 * sees them. Ids carry a per-process run prefix: an id from before a restart, or from another replica, is
 * not mistaken for a position in this one's sequence.
 */
export class RecentEvents {
  private readonly run = randomBytes(4).toString('hex');
  private readonly held: StreamedEvent[] = [];
  private sequence = 0;

  constructor(private readonly capacity = 200) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
  }

  add(type: StreamedEventType, data: unknown): StreamedEvent {
    const event = { id: `${this.run}-${++this.sequence}`, type, data };
    this.held.push(event);
    if (this.held.length > this.capacity) this.held.shift();
    return event;
  }

  /** Oldest first. */
  list(): readonly StreamedEvent[] {
    return [...this.held];
  }

  /**
   * What a client that last saw `lastId` has missed: the events after it; every event held when the id is
   * not one of this run's (a restart, another replica, garbage) or is older than the oldest held.
   */
  after(lastId: string): readonly StreamedEvent[] {
    const match = /^([0-9a-f]+)-(\d+)$/.exec(lastId.trim());
    if (!match || match[1] !== this.run) return this.list();
    const seen = Number(match[2]);
    return this.held.filter((e) => Number(e.id.slice(this.run.length + 1)) > seen);
  }
}
