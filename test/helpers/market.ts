import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A market file holding `market`: as JSON, or written as given when it is text (YAML). */
export function writeMarket(market: unknown, name = 'market.json'): string {
  const file = join(mkdtempSync(join(tmpdir(), 'prag-market-test-')), name);
  writeFileSync(file, typeof market === 'string' ? market : JSON.stringify(market));
  return file;
}
