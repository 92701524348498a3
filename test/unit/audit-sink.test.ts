import fs, { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createAuditSink } from '../../gateway/audit/index.js';
import { behindRule } from '../../gateway/audit/sink.js';
import { eventually } from '../helpers/gateway.js';

const file = () => join(mkdtempSync(join(tmpdir(), 'prag-audit-sink-')), 'audit.log');
const lines = (path: string) => readFileSync(path, 'utf8').split('\n').filter(Boolean);

describe('the audit sink', () => {
  afterEach(() => vi.restoreAllMocks());

  it('counts what is accepted but not yet written, is behind over its limit, and catches up whole', async () => {
    const path = file();
    const sink = createAuditSink({ destination: path, maxBacklogBytes: 64 * 1024 });
    expect(sink.backlogBytes).toBe(0);
    expect(sink.behind).toBe(false);
    // Written in one turn of the event loop: nothing can reach the file before the loop turns.
    const records = Array.from({ length: 2_000 }, (_, i) => ({ type: 'test', i, pad: 'x'.repeat(100) }));
    for (const record of records) sink.write(record);
    const expected = records.reduce((n, r) => n + Buffer.byteLength(`${JSON.stringify(r)}\n`), 0);
    expect(sink.backlogBytes).toBe(expected);
    expect(sink.behind).toBe(true);
    await eventually(() => sink.backlogBytes === 0, 5_000, 'the backlog to be written');
    expect(sink.behind).toBe(false);
    expect(sink.healthy).toBe(true);
    await sink.close();
    expect(lines(path).map((l) => (JSON.parse(l) as { i: number }).i)).toEqual(records.map((r) => r.i));
  });

  it('hands the destination everything pending in one write, not 16 KiB per turn of the event loop', async () => {
    // With the library's default, a busy event loop wrote less per second than requests produced, and the
    // backlog grew until the heap ran out (gateway/audit/sink.ts).
    const writes = vi.spyOn(fs, 'write');
    const writevs = vi.spyOn(fs, 'writev');
    const path = file();
    const sink = createAuditSink({ destination: path, maxBacklogBytes: 16 * 1_048_576 });
    for (let i = 0; i < 2_000; i++) sink.write({ type: 'test', i, pad: 'x'.repeat(100) });
    expect(sink.backlogBytes).toBeGreaterThan(200 * 1024);
    await eventually(() => sink.backlogBytes === 0, 5_000, 'the backlog to be written');
    // At most: the first record's own write, begun at once, then everything after it (the default took 17).
    expect(writes.mock.calls.length + writevs.mock.calls.length).toBeLessThanOrEqual(2);
    await sink.close();
    expect(lines(path)).toHaveLength(2_000);
  });

  it("writes a request's records as one line each, in order, in a single chunk", async () => {
    const writes = vi.spyOn(fs, 'write');
    const writevs = vi.spyOn(fs, 'writev');
    const path = file();
    const sink = createAuditSink({ destination: path, maxBacklogBytes: 16 * 1_048_576 });
    const records = [1, 2, 3].map((i) => ({ type: 'test', i, note: 'a "quoted"\nline' }));
    sink.write();
    expect(sink.backlogBytes).toBe(0);
    sink.write(...records);
    sink.write({ type: 'test', i: 4 });
    await sink.close();
    // Two chunks reached the file: records 1-3 as one, record 4 as the other.
    const chunks =
      writes.mock.calls.length + writevs.mock.calls.reduce((n, call) => n + (call[1] as unknown[]).length, 0);
    expect(chunks).toBe(2);
    const written = lines(path).map((l) => JSON.parse(l) as { i: number; note?: string });
    expect(written.map((r) => r.i)).toEqual([1, 2, 3, 4]);
    expect(written[0]!.note).toBe('a "quoted"\nline');
  });

  it('is behind over its limit, not at it', async () => {
    const path = file();
    const line = `${JSON.stringify({ type: 'test', pad: 'x'.repeat(40) })}\n`;
    const size = Buffer.byteLength(line);
    const sink = createAuditSink({ destination: path, maxBacklogBytes: size * 4 });
    // Written in one turn of the event loop: nothing leaves before it turns, so each line adds to the backlog.
    for (let i = 1; i <= 4; i++) {
      sink.write({ type: 'test', pad: 'x'.repeat(40) });
      expect(sink.backlogBytes).toBe(i * size);
      expect(sink.behind).toBe(false);
    }
    sink.write({ type: 'test', pad: 'x'.repeat(40) });
    expect(sink.behind).toBe(true);
    await eventually(() => sink.backlogBytes === 0, 5_000, 'the backlog to be written');
    expect(sink.behind).toBe(false);
    await sink.close();
    expect(lines(path)).toHaveLength(5);
  });
});

describe('when the audit trail is behind', () => {
  it('from over the limit until at most half of it, so a replica does not flap', () => {
    const behind = behindRule(100);
    const seen = [0, 100, 101, 80, 51, 50, 80, 100, 101, 0].map((backlog) => behind(backlog));
    expect(seen).toEqual([false, false, true, true, true, false, false, false, true, false]);
  });
});
