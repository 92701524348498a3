import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import type { Transition } from '../../gateway/breakers/index.js';
import { EventStream } from '../../gateway/ops/events.js';
import { SupplierHistory, type Traffic } from '../../gateway/ops/history.js';
import { RecentEvents } from '../../gateway/ops/recent-events.js';
import { FakeClock } from '../helpers/clock.js';

const MINUTE = 60_000;
const START = Date.parse('2026-11-21T09:00:00Z');
const traffic = (t: Partial<Traffic>): Traffic => ({
  calls: 0,
  failures: 0,
  live: 0,
  stale: 0,
  fallback: 0,
  unavailable: 0,
  ...t,
});
const gp = [{ name: 'gp', domain: 'gp', state: 'CLOSED' as const }];
const transition = (at: number, from: Transition['from'], to: Transition['to']): Transition => ({
  supplier: 'gp',
  from,
  to,
  at,
  cause: `test ${from} -> ${to}`,
});

describe('SupplierHistory', () => {
  it('counts what the counters grew by in the minute of each reading', () => {
    const clock = new FakeClock(START + 10_000);
    const history = new SupplierHistory(clock.now);
    history.totals('gp', traffic({ calls: 4, failures: 1, live: 3 }));
    clock.tick(30_000);
    history.totals('gp', traffic({ calls: 6, failures: 1, live: 5, stale: 1 }));
    clock.tick(MINUTE);
    history.totals('gp', traffic({ calls: 10, failures: 4, live: 5, stale: 2, unavailable: 1 }));
    const view = history.view(gp);
    expect(view.until).toBe(new Date(START + 100_000).toISOString());
    expect(view.since).toBe(new Date(START + MINUTE - 59 * MINUTE).toISOString());
    const minutes = view.suppliers[0]!.minutes;
    expect(minutes).toHaveLength(60);
    expect(minutes.at(-2)).toEqual({
      at: new Date(START).toISOString(),
      ...traffic({ calls: 6, failures: 1, live: 5, stale: 1 }),
    });
    expect(minutes.at(-1)).toEqual({
      at: new Date(START + MINUTE).toISOString(),
      ...traffic({ calls: 4, failures: 3, stale: 1, unavailable: 1 }),
    });
    expect(minutes.slice(0, -2).every((m) => m.calls === 0 && m.live === 0)).toBe(true);
  });

  it('drops a bucket once its minute is an hour old, and never counts a counter that went backwards', () => {
    const clock = new FakeClock(START);
    const history = new SupplierHistory(clock.now);
    history.totals('gp', traffic({ calls: 5 }));
    clock.tick(59 * MINUTE);
    history.totals('gp', traffic({ calls: 7 }));
    expect(history.view(gp).suppliers[0]!.minutes[0]).toMatchObject({
      at: new Date(START).toISOString(),
      calls: 5,
    });
    clock.tick(MINUTE);
    history.totals('gp', traffic({ calls: 1 })); // a reset: the new base, nothing counted
    const minutes = history.view(gp).suppliers[0]!.minutes;
    expect(minutes[0]!.at).toBe(new Date(START + MINUTE).toISOString());
    expect(minutes.reduce((sum, m) => sum + m.calls, 0)).toBe(2);
    // The dropped bucket is gone from memory too, not only from the view.
    clock.set(START);
    expect(history.view(gp).suppliers[0]!.minutes.every((m) => m.calls === 0)).toBe(true);
  });

  it('keeps the last hour of transitions, at most maxTransitions of them', () => {
    const clock = new FakeClock(START);
    const history = new SupplierHistory(clock.now, { maxTransitions: 3 });
    history.transition(transition(START, 'CLOSED', 'OPEN'));
    clock.tick(30 * MINUTE);
    history.transition(transition(clock.now(), 'OPEN', 'HALF_OPEN'));
    history.transition(transition(clock.now(), 'HALF_OPEN', 'CLOSED'));
    expect(history.view(gp).suppliers[0]!.transitions.map((t) => t.to)).toEqual([
      'OPEN',
      'HALF_OPEN',
      'CLOSED',
    ]);
    history.transition(transition(clock.now(), 'CLOSED', 'ISOLATED'));
    expect(history.view(gp).suppliers[0]!.transitions.map((t) => t.to)).toEqual([
      'HALF_OPEN',
      'CLOSED',
      'ISOLATED',
    ]);
    clock.tick(61 * MINUTE);
    history.transition(transition(clock.now(), 'ISOLATED', 'CLOSED'));
    expect(history.view(gp).suppliers[0]!.transitions).toEqual([
      {
        at: new Date(START + 91 * MINUTE).toISOString(),
        from: 'ISOLATED',
        to: 'CLOSED',
        cause: 'test ISOLATED -> CLOSED',
      },
    ]);
  });

  it('shows a supplier it never heard of with zeros and its current state', () => {
    const history = new SupplierHistory(new FakeClock(START).now);
    const [view] = history.view([{ name: 'hospital', domain: 'hospital', state: 'OPEN' }]).suppliers;
    expect(view).toMatchObject({ name: 'hospital', domain: 'hospital', state: 'OPEN', transitions: [] });
    expect(view!.minutes.every((m) => m.calls === 0)).toBe(true);
  });

  it('refuses a window that is not whole minutes', () => {
    expect(() => new SupplierHistory(() => START, { windowMs: 90_000 })).toThrow(/90000/);
    expect(() => new SupplierHistory(() => START, { maxTransitions: 0 })).toThrow(RangeError);
  });
});

describe('RecentEvents', () => {
  it('holds the last `capacity` events, oldest first, with increasing ids', () => {
    const recent = new RecentEvents(3);
    for (let i = 1; i <= 5; i++) recent.add('control', { i });
    expect(recent.list().map((e) => e.data)).toEqual([{ i: 3 }, { i: 4 }, { i: 5 }]);
    const [a, b] = recent.list();
    expect(Number(b!.id.split('-')[1])).toBe(Number(a!.id.split('-')[1]) + 1);
  });

  it('gives what a client missed after its last id, and everything for an id of another run', () => {
    const recent = new RecentEvents(10);
    const first = recent.add('transition', { n: 1 });
    recent.add('control', { n: 2 });
    recent.add('transition', { n: 3 });
    expect(recent.after(first.id).map((e) => e.data)).toEqual([{ n: 2 }, { n: 3 }]);
    expect(recent.after(recent.list()[2]!.id)).toEqual([]);
    expect(recent.after('0badc0de-2')).toHaveLength(3);
    expect(recent.after('nonsense')).toHaveLength(3);
  });
});

describe('EventStream with Last-Event-ID', () => {
  /** Enough of a ServerResponse to collect what the stream writes. */
  const response = () => {
    const chunks: string[] = [];
    const res = {
      writableLength: 0,
      writeHead: () => res,
      write: (chunk: string) => chunks.push(chunk) > 0,
      on: () => res,
      end: () => undefined,
    };
    return { res: res as unknown as ServerResponse, text: () => chunks.join('') };
  };

  it('sends a reconnecting client the events it missed, with their ids, and a new one none', async () => {
    const clock = new FakeClock(START);
    const stream = new EventStream(async () => ({ ok: true }), 2_000, clock, new RecentEvents(5));
    stream.publish('transition', { to: 'OPEN' });
    const seen = stream.recent.list()[0]!.id;
    stream.publish('control', { action: 'isolate' });
    const reconnecting = response();
    await stream.add(reconnecting.res, seen);
    expect(reconnecting.text()).not.toContain('"to":"OPEN"');
    expect(reconnecting.text()).toMatch(/^id: [0-9a-f]+-2\nevent: control\ndata: {"action":"isolate"}\n\n/);
    const fresh = response();
    await stream.add(fresh.res);
    expect(fresh.text()).toBe('event: status\ndata: {"ok":true}\n\n');
    stream.close();
  });
});
