import { mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../lib/logger.js';
import { fileSource, indexedPatients, type IndexSnapshot } from '../../gateway/patient-index/index.js';
import { generatePopulation } from '../../subgraphs/synthetic/index.js';
import { FakeClock } from '../helpers/clock.js';

const population = generatePopulation();
/** A fresh copy each time: a test that spoils one (a bad NHS number) must not spoil the others'. */
const snapshot = (): IndexSnapshot =>
  structuredClone({ patients: [...indexedPatients(population).values()] });
const logger = createLogger('test', { level: 'silent' });

function write(file: string, content: unknown, mtime: number): void {
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  utimesSync(file, mtime / 1000, mtime / 1000);
}

describe('the patient index from a snapshot file', () => {
  it('serves the snapshot, and follows the file when it changes (a patient re-registers at another practice)', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'prag-index-')), 'index.json');
    const clock = new FakeClock();
    const n = population.fixtures.sample;
    write(file, snapshot(), 1_000_000);
    const source = await fileSource(file, { clock, logger, checkEveryMs: 1_000 });
    expect((await source.lookup([n])).get(n)!.locations.practice).toEqual(['A81001']);
    const moved = snapshot();
    const patient = moved.patients.find((p) => p.demographics.nhsNumber === n)!;
    const patients = [...moved.patients];
    patients[patients.indexOf(patient)] = {
      ...patient,
      locations: { ...patient.locations, practice: ['C84010'] },
    };
    write(file, { patients }, 2_000_000);
    // Checked at most once a second: not yet...
    expect((await source.lookup([n])).get(n)!.locations.practice).toEqual(['A81001']);
    clock.tick(1_000);
    expect((await source.lookup([n])).get(n)!.locations.practice).toEqual(['C84010']);
  });

  it('keeps the previous snapshot when a new one is refused, and refuses a bad one at start-up', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'prag-index-')), 'index.json');
    const clock = new FakeClock();
    write(file, snapshot(), 1_000_000);
    const source = await fileSource(file, { clock, logger });
    write(file, '{"patients": [', 2_000_000);
    clock.tick(5_000);
    expect((await source.lookup([population.fixtures.sample])).size).toBe(1);
    const bad = snapshot();
    (bad.patients[0]!.demographics as { nhsNumber: string }).nhsNumber = '123';
    write(file, bad, 3_000_000);
    await expect(fileSource(file, { clock, logger })).rejects.toThrow(
      /PATIENT_INDEX_FILE .*patients\.0\.demographics\.nhsNumber: must be ten digits, got "123"/,
    );
  });
});
