import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const DOCS = 'docs/benchmarks';
/** docs/benchmarks.md is assembled from parts, each rewritten by its own run, in this order. */
const PARTS = ['peers', 'scaling'] as const;

/**
 * Publishes one run's part of docs/benchmarks.md (`npm run bench` writes the peers part, `npm run
 * bench:scaling` the scaling part) with its charts, then reassembles the page from every part on disk,
 * so neither run erases the other's results.
 */
export function publishBenchmarks(
  part: (typeof PARTS)[number],
  markdown: string,
  charts: Readonly<Record<string, string>>,
): void {
  mkdirSync(DOCS, { recursive: true });
  writeFileSync(join(DOCS, `${part}.md`), markdown);
  for (const [file, svg] of Object.entries(charts)) writeFileSync(join(DOCS, file), svg);
  const page = PARTS.map((p) => join(DOCS, `${p}.md`))
    .filter((file) => existsSync(file))
    .map((file) => readFileSync(file, 'utf8').trim())
    .join('\n\n');
  writeFileSync('docs/benchmarks.md', `${page}\n`);
}
