import { mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
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
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const source = await fileSource(file, { clock, logger: createLogger('test', { level: 'info' }, sink) });
    const first = snapshot().patients[0]!.demographics;
    // Truncated mid-patient: the parser's own message would quote the text around the fault.
    write(file, JSON.stringify(snapshot()).slice(0, 400), 2_000_000);
    clock.tick(5_000);
    expect((await source.lookup([population.fixtures.sample])).size).toBe(1);
    const spoiled = snapshot();
    // A name in the wrong field: quoting the bad value would put the name in the log.
    (spoiled.patients[0]!.demographics as { gender: string }).gender = first.familyName;
    write(file, spoiled, 3_000_000);
    clock.tick(5_000);
    expect((await source.lookup([population.fixtures.sample])).size).toBe(1);
    const log = lines.join('');
    expect(log).toContain('not valid JSON (content withheld)');
    expect(log).toContain('patients.0.demographics.gender: ');
    for (const detail of [
      first.familyName,
      first.givenName,
      first.postcode,
      first.birthDate,
      first.nhsNumber,
    ])
      expect(log, 'no patient detail in the log').not.toContain(detail);

    const bad = snapshot();
    (bad.patients[0]!.demographics as { nhsNumber: string }).nhsNumber = '999 709 4263';
    write(file, bad, 4_000_000);
    const refused = fileSource(file, { clock, logger });
    await expect(refused).rejects.toThrow(
      /PATIENT_INDEX_FILE .*patients\.0\.demographics\.nhsNumber: must be ten digits \(value withheld\)/,
    );
    await expect(refused).rejects.not.toThrow(/4263/);
  });
});
