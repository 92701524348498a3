import { createWriteStream, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Writable } from 'node:stream';

/** Where audit records go: JSON lines, appended, never rewritten. */
export interface AuditSink {
  /** Appends each record as a line; the records of one call are handed to the destination together. */
  write(...records: readonly object[]): void;
  /**
   * False once a write has failed: the replica refuses clinical requests (AUDIT_UNAVAILABLE) and readiness
   * fails, so traffic drains from a replica that cannot audit. Records from then on are not written.
   */
  readonly healthy: boolean;
  /** Bytes accepted but not yet written to the destination. */
  readonly backlogBytes: number;
  /**
   * True from when the backlog goes over its limit (the destination is slower than records arrive) until it
   * is back under half of it, so a replica does not flap between refusing and serving. Meanwhile new clinical
   * requests are refused (AUDIT_UNAVAILABLE) and readiness fails, so the backlog stops growing before the
   * heap runs out. The limit is checked as requests are admitted: requests already running still add theirs.
   */
  readonly behind: boolean;
  close(): Promise<void>;
}

export interface AuditSinkOptions {
  /** A file path, or `stdout`. */
  readonly destination: string;
  /** The backlog above which the sink is `behind` (AUDIT_MAX_BACKLOG_MB). */
  readonly maxBacklogBytes: number;
}

/** Behind from when the backlog goes over `limit` until it is at most half of it (AuditSink.behind). */
export function behindRule(limit: number): (backlogBytes: number) => boolean {
  let behind = false;
  return (backlog) => {
    if (backlog > limit) behind = true;
    else if (backlog <= limit / 2) behind = false;
    return behind;
  };
}

/**
 * Appends JSON lines to the destination through a Node write stream, which hands the operating system every
 * pending line in one `writev` per turn of the event loop. (pino's destination, used before, writes at most
 * 16 KiB per turn, and larger writes cost a scan of the whole pending text per record. Under load — long
 * turns, a record per patient — records arrived faster than they left: measured, 50-patient requests at 20
 * connections ran a gateway with a 160 MB heap out of memory, 96 MB of it audit lines waiting.) The file is
 * opened at start-up and the process refuses to start if it cannot be: auditing cannot be switched off, and
 * a gateway that cannot audit must not serve records.
 */
export function createAuditSink(options: AuditSinkOptions): AuditSink {
  const { destination, maxBacklogBytes } = options;
  let stream: Writable;
  if (destination === 'stdout') {
    // Node's own stdout stream, which the logs also use (lib/logger.ts): one writer on the descriptor, so
    // lines never interleave, and a full pipe (a slow log collector) is waited out instead of failing.
    stream = process.stdout;
  } else {
    mkdirSync(dirname(destination), { recursive: true });
    // Opened here, synchronously: a destination that cannot be opened stops the start-up now.
    stream = createWriteStream('', { fd: openSync(destination, 'a') });
  }
  let healthy = true;
  const behind = behindRule(maxBacklogBytes);
  stream.on('error', () => (healthy = false));
  return {
    write(...records) {
      if (!healthy || records.length === 0) return;
      // One chunk per call, not per record: a 50-patient request's records cost one stream write.
      let lines = '';
      for (const record of records) lines += `${JSON.stringify(record)}\n`;
      stream.write(lines);
    },
    get healthy() {
      return healthy;
    },
    get backlogBytes() {
      return stream.writableLength;
    },
    get behind() {
      return behind(stream.writableLength);
    },
    // Resolves once every record is written (or the stream has failed): a stopping process never exits with
    // records unwritten.
    close: () =>
      new Promise<void>((resolve) => {
        if (stream.destroyed || stream.writableFinished || !healthy) return resolve();
        // stdout stays open for the process's log; it is done once its backlog is written.
        if (stream !== process.stdout) return void stream.end(() => resolve());
        // Chunks are written in order: this empty one's callback says everything before it is written.
        stream.write('', () => resolve());
      }),
  };
}
