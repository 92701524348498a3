import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A destination that stalls or breaks on demand, as a slow disk or a stalled log collector would. */
export interface PausableFifo {
  /** The FIFO: give it to the writer as its file. */
  readonly path: string;
  /** What the reader has copied out so far ('' before anything). */
  read(): string;
  /** Stops reading (SIGSTOP): once the pipe buffer is full, the writer's writes wait. */
  pause(): void;
  resume(): void;
  /** Ends the reader: with no reader left, the next write fails (EPIPE). */
  kill(): void;
  readonly exited: boolean;
  /** Ends the reader whatever its state and deletes the files. */
  remove(): void;
}

/**
 * A FIFO whose only reader is a `cat` copying it into a file. The reader holds the FIFO open for writing too
 * (`<>`), so opening it never blocks and a writer closing it never ends the reader's input.
 */
export function pausableFifo(prefix: string): PausableFifo {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const path = join(dir, 'destination.fifo');
  const copied = join(dir, 'copied.log');
  execFileSync('mkfifo', [path]);
  const reader = spawn('sh', ['-c', 'exec cat <> "$0" > "$1"', path, copied], { stdio: 'ignore' });
  return {
    path,
    read: () => (existsSync(copied) ? readFileSync(copied, 'utf8') : ''),
    pause: () => void reader.kill('SIGSTOP'),
    resume: () => void reader.kill('SIGCONT'),
    kill: () => void reader.kill('SIGKILL'),
    get exited() {
      return reader.exitCode !== null || reader.signalCode !== null;
    },
    remove() {
      reader.kill('SIGCONT');
      reader.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
