/**
 * A process that writes audit records and log lines to one stdout, as a gateway with AUDIT_LOG=stdout does:
 * `count` records of about 700 bytes, in batches of 100 over turns of the event loop (as requests come), and a
 * log line after every 20th. It says `written` on stderr once everything is handed over (its reader can then
 * start reading a full pipe), and `closed` once flushed.
 */
import { createAuditSink } from '../../gateway/audit/index.js';
import { createLogger } from '../../lib/logger.js';

const count = Number(process.argv[2] ?? 5_000);
const logger = createLogger('stdout-writer', { level: 'info' });
const sink = createAuditSink({ destination: 'stdout', maxBacklogBytes: 1_024 * 1_048_576 });
for (let i = 0; i < count; i++) {
  sink.write({ type: 'record-access', i, pad: 'x'.repeat(650) });
  if (i % 20 === 19) logger.info({ i }, 'a log line between audit records');
  if (i % 100 === 99) await new Promise((resolve) => setImmediate(resolve));
}
process.stderr.write('written\n');
await sink.close();
process.stderr.write('closed\n');
