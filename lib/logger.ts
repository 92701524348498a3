import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

/**
 * Structured JSON logs (pino) on stdout, one object per line. LOG_LEVEL sets the level (default info;
 * tests set silent). Full NHS numbers never go into these logs: use maskNhsNumber; the audit trail is
 * the only place that records whole identifiers.
 */
export function createLogger(name: string, options: LoggerOptions = {}): Logger {
  return pino({
    level: process.env.LOG_LEVEL ?? 'info',
    base: { service: name },
    timestamp: pino.stdTimeFunctions.isoTime,
    ...options,
  });
}
