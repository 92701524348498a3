import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { eventually } from '../helpers/gateway.js';

const RECORDS = 5_000;
const LOG_LINES = RECORDS / 20;

/**
 * AUDIT_LOG=stdout, as in the container image, with stdout a real pipe (a FIFO) whose reader is paused until
 * the writer has handed everything over: the pipe is full, and writes are partial. The reader holds the FIFO
 * open for writing too (`<>`), so it never sees the end of its input; it is killed when done.
 */
describe('the audit trail on stdout', () => {
  it('never interleaves with log lines, even when the pipe is full', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'prag-audit-stdout-'));
    const fifo = join(dir, 'stdout.fifo');
    const out = join(dir, 'stdout.log');
    execFileSync('mkfifo', [fifo]);
    const processes: ChildProcess[] = [];
    try {
      const reader = spawn('sh', ['-c', 'exec cat <> "$0" > "$1"', fifo, out], { stdio: 'ignore' });
      processes.push(reader);
      reader.kill('SIGSTOP');
      const writer = spawn(
        'sh',
        [
          '-c',
          'exec "$0" --import tsx test/helpers/stdout-writer.ts "$1" > "$2"',
          process.execPath,
          String(RECORDS),
          fifo,
        ],
        { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, LOG_LEVEL: 'info' } },
      );
      processes.push(writer);
      let stderr = '';
      writer.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => writer.once('exit', resolve));
      // A writer that blocks on the full pipe instead (a second, synchronous writer on the descriptor) never
      // says so: the reader resumes after 5 s anyway (the writer has started by then), which is when such lines
      // would interleave.
      await eventually(() => stderr.includes('written'), 5_000, 'the writer to hand everything over').catch(
        () => undefined,
      );
      reader.kill('SIGCONT');
      expect(await exited).toBe(0);
      expect(stderr).toContain('closed');
      const lines = () => (existsSync(out) ? readFileSync(out, 'utf8').split('\n').filter(Boolean) : []);
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
      for (const p of processes) {
        p.kill('SIGCONT');
        p.kill('SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
