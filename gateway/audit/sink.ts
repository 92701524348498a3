import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { pino } from 'pino';

/** Where audit records go: JSON lines, appended, never rewritten. */
export interface AuditSink {
  write(record: object): void;
  /** False once a write has failed: readiness reports it, so traffic drains from a replica that cannot audit. */
  readonly healthy: boolean;
  close(): Promise<void>;
}

/**
 * Appends JSON lines to `destination` (a file path, or `stdout`). The file is opened at start-up and the
 * process refuses to start if it cannot be: auditing cannot be switched off, and a gateway that cannot
 * audit must not serve records.
 */
export function createAuditSink(destination: string): AuditSink {
  if (destination !== 'stdout') {
    mkdirSync(dirname(destination), { recursive: true });
    closeSync(openSync(destination, 'a')); // fails loudly now rather than on the first access
  }
  const stream = pino.destination({
    dest: destination === 'stdout' ? 1 : destination,
    sync: false,
    append: true,
  });
  let healthy = true;
  stream.on('error', () => (healthy = false));
  return {
    write(record) {
      stream.write(`${JSON.stringify(record)}\n`);
    },
    get healthy() {
      return healthy;
    },
    // Resolves once every record is written: end() flushes what is buffered, then says 'close' (for
    // stdout without closing the descriptor), so a stopping process never exits with records unwritten.
    close: () =>
      new Promise<void>((resolve) => {
        stream.once('close', () => resolve());
        stream.end();
      }),
  };
}
