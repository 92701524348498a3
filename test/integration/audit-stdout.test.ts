import { spawn, type ChildProcess } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { pausableFifo } from '../helpers/fifo.js';
import { eventually } from '../helpers/gateway.js';

const RECORDS = 5_000;
const LOG_LINES = RECORDS / 20;

/**
 * AUDIT_LOG=stdout, as in the container image, with stdout a real pipe (a FIFO, helpers/fifo.ts) whose reader
 * is paused until the writer has handed everything over: the pipe is full, and writes are partial.
 */
describe('the audit trail on stdout', () => {
  it('never interleaves with log lines, even when the pipe is full', async () => {
    const fifo = pausableFifo('prag-audit-stdout-');
    let writer: ChildProcess | undefined;
    try {
      fifo.pause();
      const child = spawn(
        'sh',
        [
          '-c',
          'exec "$0" --import tsx test/helpers/stdout-writer.ts "$1" > "$2"',
          process.execPath,
          String(RECORDS),
          fifo.path,
        ],
        { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, LOG_LEVEL: 'info' } },
      );
      writer = child;
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      // A writer that blocks on the full pipe instead (a second, synchronous writer on the descriptor) never
      // says so: the reader resumes after 5 s anyway (the writer has started by then), which is when such lines
      // would interleave.
      await eventually(() => stderr.includes('written'), 5_000, 'the writer to hand everything over').catch(
        () => undefined,
      );
      fifo.resume();
      expect(await exited).toBe(0);
      expect(stderr).toContain('closed');
      const lines = () => fifo.read().split('\n').filter(Boolean);
      await eventually(() => lines().length >= RECORDS + LOG_LINES, 10_000, 'every line to reach the reader');
      const parsed = lines().map((line): { type?: string; msg?: string; broken?: string } => {
        try {
          return JSON.parse(line) as { type?: string; msg?: string };
        } catch {
          return { broken: line.slice(0, 80) };
        }
      });
      expect(parsed.filter((p) => p.broken !== undefined)).toEqual([]);
      expect(parsed.filter((p) => p.type === 'record-access')).toHaveLength(RECORDS);
      expect(parsed.filter((p) => p.msg === 'a log line between audit records')).toHaveLength(LOG_LINES);
    } finally {
      writer?.kill('SIGKILL');
      fifo.remove();
    }
  });
});
