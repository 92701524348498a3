import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PRACTICES, TRUSTS } from '../../subgraphs/synthetic/index.js';
import type { TestSupplier } from './suppliers.js';

/**
 * A market file (SUPPLIERS_FILE) for a gateway in front of these running suppliers: every practice and
 * trust of the reference market declared, each supplier serving the organisations it holds; a summary-record
 * supplier among them becomes the GP domain's fallback.
 */
export function marketFile(suppliers: readonly TestSupplier[]): string {
  const fallback = suppliers.find((s) => s.kind === 'summary-record');
  const market = {
    domains: [
      { name: 'gp', serves: 'practice', ...(fallback ? { fallback: fallback.name } : {}) },
      { name: 'hospital', serves: 'trust' },
    ],
    organisations: [
      ...PRACTICES.map((p) => ({ ...p, type: 'practice' })),
      ...TRUSTS.map((t) => ({ ...t, type: 'trust' })),
    ],
    suppliers: suppliers.map((s) => ({
      name: s.name,
      domain: s.domain,
      url: s.url,
      organisations: s.kind === 'summary-record' ? [] : s.serves,
    })),
  };
  const file = join(mkdtempSync(join(tmpdir(), 'prag-market-')), 'market.json');
  writeFileSync(file, JSON.stringify(market, null, 2));
  return file;
}
