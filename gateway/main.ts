/**
 * Entry point of the gateway process: `node --import tsx gateway/main.ts`. Reads its settings from the
 * environment (docs/configuration.md), starts, and stops cleanly on SIGINT/SIGTERM.
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../lib/clock.js';
import { announceListening } from '../lib/launch.js';
import { createLogger } from '../lib/logger.js';
import { redact } from '../lib/redact.js';
import { maskNhsNumber } from '../schema/nhs-number.js';
import { DEFAULT_POPULATION, generatePopulation } from '../subgraphs/synthetic/index.js';
import { startGateway, type RunningGateway } from './app.js';
import { fileSource, populationSource, type PatientSource } from './patient-index/index.js';
import { ConfigError, loadConfig, type GatewayConfig } from './config/index.js';

const logger = createLogger('gateway');
let running: RunningGateway | undefined;

async function main(): Promise<void> {
  const config = loadConfig();
  if (config.ops.generatedToken) {
    // Never in a log line: the token goes to a file only its owner can read.
    const file = join(tmpdir(), `patient-gateway-ops-token-${process.pid}`);
    writeFileSync(file, `${config.ops.generatedToken}\n`, { mode: 0o600 });
    logger.warn(
      { file },
      'OPS_TOKEN is not set: generated an ops token for this process and wrote it to this file (development only; production refuses to start without one)',
    );
  }
  running = await startGateway(config, { clock: systemClock, logger, patients: await patientSource(config) });
  announceListening({ service: 'gateway', url: running.url, urls: { ops: running.ops.url } });
}

/**
 * The production seam: where the patient index finds people and their records. A snapshot file (an export
 * of PDS and the record locator, reloaded when it changes) when PATIENT_INDEX_FILE is set; otherwise the
 * synthetic population, in any mode, and the log says so.
 */
async function patientSource(config: GatewayConfig): Promise<PatientSource> {
  if (config.patientIndexFile) {
    logger.info('patient index: snapshot file (PATIENT_INDEX_FILE), reloaded when it changes');
    return fileSource(config.patientIndexFile, { clock: systemClock, logger });
  }
  const population = generatePopulation({
    ...config.population,
    referenceDate: DEFAULT_POPULATION.referenceDate,
  });
  logger.info(
    { patients: population.patients.length, sample: maskNhsNumber(population.fixtures.sample) },
    'patient index: synthetic population (development data; production needs PATIENT_INDEX_FILE or a PDS-and-locator PatientSource)',
  );
  return populationSource(population);
}

/**
 * SIGTERM (an orchestrator's stop): the full drain, grace period included, exiting 0 once everything in
 * flight has finished and been written. SIGINT (someone at a terminal): the same without the grace period.
 * Either way the process exits within the drain's bound: past grace + timeout + 5 s it exits 1.
 */
let stopping = false;
const stop = (signal: 'SIGTERM' | 'SIGINT') => {
  // A second signal (Ctrl-C twice, or SIGTERM after SIGINT) changes nothing: the first stop goes on.
  if (stopping) return logger.info({ signal }, 'already stopping');
  stopping = true;
  const config = running?.drainSettings;
  if (!running || !config) process.exit(0);
  const settings = { graceMs: signal === 'SIGTERM' ? config.graceMs : 0, timeoutMs: config.timeoutMs };
  logger.info({ signal, ...settings }, 'stopping');
  setTimeout(
    () => {
      logger.error({ signal }, 'drain did not finish within its bound; exiting');
      process.exit(1);
    },
    settings.graceMs + settings.timeoutMs + 5_000,
  ).unref();
  void running.drain(settings).then(
    () => process.exit(0),
    (error: unknown) => {
      logger.error({ err: error }, 'drain failed');
      process.exit(1);
    },
  );
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));

main().catch((error: unknown) => {
  // Not through the logger (it may be what failed to configure), but cleaned as every log line is.
  if (error instanceof ConfigError) console.error(redact(error.message));
  else logger.fatal({ err: error }, 'gateway failed to start');
  process.exit(1);
});
