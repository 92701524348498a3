import { every, systemClock, type Clock } from '../../lib/clock.js';
import type { ServerResponse } from 'node:http';

/**
 * Server-Sent Events to dashboards: `status` snapshots (at once, every `everyMs`, and after each change),
 * `transition` and `control` events as they happen, and a comment every 15 s to keep proxies from closing
 * an idle stream.
 */
export class EventStream {
  private readonly clients = new Set<ServerResponse>();
  private readonly timers: (() => void)[];

  constructor(
    private readonly snapshot: () => Promise<unknown>,
    everyMs: number,
    clock: Clock = systemClock,
  ) {
    this.timers = [
      every(clock, everyMs, () => void this.pushStatus()),
      every(clock, 15_000, () => this.write(': keep-alive\n\n')),
    ];
  }

  get size(): number {
    return this.clients.size;
  }

  async add(res: ServerResponse): Promise<void> {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    this.clients.add(res);
    res.on('close', () => this.clients.delete(res));
    res.write(`event: status\ndata: ${JSON.stringify(await this.snapshot())}\n\n`);
  }

  /** Sends an event to every connected dashboard, then a fresh status snapshot. */
  publish(event: 'transition' | 'control', data: unknown): void {
    this.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
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
