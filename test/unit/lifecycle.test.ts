import { describe, expect, it } from 'vitest';
import { Lifecycle } from '../../gateway/lifecycle.js';
import { createLogger } from '../../lib/logger.js';
import { FakeClock } from '../helpers/clock.js';
import { eventually } from '../helpers/gateway.js';

function capturedLogger() {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger(
    'test',
    { level: 'info' },
    {
      write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>),
    },
  );
  return { logger, lines };
}

describe('the lifecycle', () => {
  it('closes parts in reverse order of opening, each once', async () => {
    const { logger } = capturedLogger();
    const life = new Lifecycle(new FakeClock(), logger);
    const closed: string[] = [];
    for (const part of ['first', 'second', 'third']) life.onClose(async () => void closed.push(part), part);
    await Promise.all([life.close(), life.close()]);
    expect(closed).toEqual(['third', 'second', 'first']);
  });

  it('moves on from a part that does not close in time, and logs which part it was', async () => {
    const { logger, lines } = capturedLogger();
    const clock = new FakeClock();
    const life = new Lifecycle(clock, logger);
    const closed: string[] = [];
    life.onClose(async () => void closed.push('redis'), 'redis');
    life.onClose(() => new Promise<void>(() => undefined), 'audit trail');
    let done = false;
    const closing = life.close().then(() => (done = true));
    await eventually(() => clock.pending() > 0, 1_000, 'the close step to be timed');
    clock.tick(4_999);
    expect(done).toBe(false);
    clock.tick(1);
    await closing;
    expect(closed).toEqual(['redis']);
    expect(lines).toContainEqual(
      expect.objectContaining({ level: 50, part: 'audit trail', waitedMs: 5_000 }),
    );
    expect(lines.filter((l) => l.part === 'redis')).toEqual([]);
  });

  it('moves on from a part whose close fails, without logging it as late', async () => {
    const { logger, lines } = capturedLogger();
    const life = new Lifecycle(new FakeClock(), logger);
    const closed: string[] = [];
    life.onClose(async () => void closed.push('first'), 'first');
    life.onClose(() => Promise.reject(new Error('refused')), 'broken');
    await life.close();
    expect(closed).toEqual(['first']);
    expect(lines).toEqual([]);
  });
});
