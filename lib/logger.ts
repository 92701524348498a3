import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { redact } from './redact.js';

export type { Logger };

/**
 * Structured JSON logs (pino) on stdout, one object per line. LOG_LEVEL sets the level (default info;
 * tests set silent). Every line passes through `redact` on its way out, so no NHS number, token or key
 * reaches a log whatever wrote the line (our code, graphql-js or Apollo messages, stack traces). The
 * audit trail is the only place that records whole identifiers, and it does not use this logger.
 */
export function createLogger(
  name: string,
  options: LoggerOptions = {},
  // process.stdout itself, not a second writer on descriptor 1: the audit trail (AUDIT_LOG=stdout) writes
  // through the same stream, so a log line can never land inside an audit line when the pipe is full.
  destination: DestinationStream = process.stdout,
): Logger {
  return pino(
    {
      level: process.env.LOG_LEVEL ?? 'info',
      base: { service: name },
      timestamp: pino.stdTimeFunctions.isoTime,
      ...options,
    },
    { write: (line: string) => destination.write(redact(line)) },
  );
}
