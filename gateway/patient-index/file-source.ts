import { readFile, stat } from 'node:fs/promises';
import { z } from 'zod';
import type { Clock } from '../../lib/clock.js';
import type { Logger } from '../../lib/logger.js';
import { ConfigError, parseSettings } from '../../lib/env.js';
import { memorySource, type IndexedPatient, type PatientSource } from './demographics.js';

const organisationCodes = z.array(z.string().regex(/^[A-Z0-9]{3,10}$/, 'must be an ODS code'));

/** A snapshot of the index: who each patient is (PDS) and where their records are held (the locator). */
const snapshotSchema = z.object({
  patients: z.array(
    z.object({
      demographics: z.object({
        nhsNumber: z.string().regex(/^\d{10}$/, 'must be ten digits'),
        givenName: z.string(),
        familyName: z.string(),
        gender: z.enum(['female', 'male', 'other', 'unknown']),
        birthDate: z.string(),
        deceasedDate: z.string().nullable(),
        addressLines: z.array(z.string()),
        postcode: z.string(),
        telecom: z.string(),
        registeredPracticeOds: z.string(),
        securityLabel: z.enum(['U', 'R', 'V']),
      }),
      locations: z.record(z.string(), organisationCodes),
    }),
  ),
});

/** What a snapshot file holds (validated on every read). */
export interface IndexSnapshot {
  readonly patients: readonly IndexedPatient[];
}

/**
 * The patient index from a JSON snapshot file (an export of PDS and the record locator, or a test's own),
 * read at start-up and again whenever the file has changed, checked at most every `checkEveryMs`. A
 * snapshot that fails validation on reload is refused and the previous one kept, so a bad export never
 * empties the index; at start-up it stops the gateway. Messages about a bad snapshot name the entry and
 * the rule, never the value: they reach logs, and the values are patients' details.
 */
export async function fileSource(
  file: string,
  deps: { readonly clock: Clock; readonly logger: Logger; readonly checkEveryMs?: number },
): Promise<PatientSource> {
  const read = async () => {
    const text = await readFile(file, 'utf8');
    let input: Record<string, unknown>;
    try {
      input = JSON.parse(text) as Record<string, unknown>;
    } catch {
      // The parser's message quotes the text around the fault: patient data, which must not reach a log.
      throw new ConfigError(['not valid JSON (content withheld)']);
    }
    const snapshot = parseSettings(snapshotSchema, input, { values: 'withheld' });
    return new Map<string, IndexedPatient>(snapshot.patients.map((p) => [p.demographics.nhsNumber, p]));
  };
  let patients: Map<string, IndexedPatient>;
  let modified = (await stat(file)).mtimeMs;
  try {
    patients = await read();
  } catch (error) {
    const problems = error instanceof ConfigError ? error.problems : [(error as Error).message];
    throw new ConfigError(problems.map((p) => `PATIENT_INDEX_FILE ${file}: ${p}`));
  }
  let checked = deps.clock.now();
  const refresh = async () => {
    if (deps.clock.now() - checked < (deps.checkEveryMs ?? 1_000)) return;
    checked = deps.clock.now();
    try {
      const now = (await stat(file)).mtimeMs;
      if (now === modified) return;
      patients = await read();
      modified = now;
      deps.logger.info({ patients: patients.size }, 'patient index reloaded from its snapshot file');
    } catch (error) {
      deps.logger.error(
        { err: (error as Error).message },
        'patient index snapshot refused; keeping the previous one',
      );
    }
  };
  const source = memorySource(() => patients);
  return {
    async lookup(nhsNumbers) {
      await refresh();
      return source.lookup(nhsNumbers);
    },
    patientsAt: (organisations) => source.patientsAt!(organisations),
  };
}
