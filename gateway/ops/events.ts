import { every, systemClock, type Clock } from '../../lib/clock.js';
import type { ServerResponse } from 'node:http';
import { RecentEvents, type StreamedEvent, type StreamedEventType } from './recent-events.js';

/**
 * Server-Sent Events to dashboards: `status` snapshots (at once, every `everyMs`, and after each change),
 * `transition` and `control` events as they happen, and a comment every 15 s to keep proxies from closing
 * an idle stream. Transitions and controls carry an SSE `id`; the last ones are kept (`recent`), and a
 * client that connects with `Last-Event-ID` gets those it missed first.
 */
export class EventStream {
  private readonly clients = new Set<ServerResponse>();
  private readonly timers: (() => void)[];

  constructor(
    private readonly snapshot: () => Promise<unknown>,
    everyMs: number,
    clock: Clock = systemClock,
    readonly recent = new RecentEvents(),
  ) {
    this.timers = [
      every(clock, everyMs, () => void this.pushStatus()),
      every(clock, 15_000, () => this.write(': keep-alive\n\n')),
    ];
  }

  get size(): number {
    return this.clients.size;
  }

  async add(res: ServerResponse, lastEventId?: string): Promise<void> {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    // Missed events go first and before joining `clients`, so none is sent twice or out of order.
    if (lastEventId !== undefined) for (const e of this.recent.after(lastEventId)) res.write(frame(e));
    this.clients.add(res);
    res.on('close', () => this.clients.delete(res));
    res.write(`event: status\ndata: ${JSON.stringify(await this.snapshot())}\n\n`);
  }

  /** Sends an event to every connected dashboard, then a fresh status snapshot. */
  publish(type: StreamedEventType, data: unknown): void {
    this.write(frame(this.recent.add(type, data)));
    void this.pushStatus();
  }

  close(): void {
    for (const stop of this.timers) stop();
    for (const res of this.clients) res.end();
    this.clients.clear();
  }

  private async pushStatus(): Promise<void> {
    if (this.clients.size === 0) return;
    this.write(`event: status\ndata: ${JSON.stringify(await this.snapshot())}\n\n`);
  }

  /** A dashboard that stops reading is dropped once 1 MiB is waiting for it, rather than buffered forever. */
  private write(chunk: string): void {
    for (const res of this.clients) {
      if (res.writableLength > 1_048_576) {
        this.clients.delete(res);
        res.destroy();
      } else res.write(chunk);
    }
  }
}

const frame = (e: StreamedEvent) => `id: ${e.id}\nevent: ${e.type}\ndata: ${JSON.stringify(e.data)}\n\n`;
