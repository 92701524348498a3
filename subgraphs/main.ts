/**
 * Entry point of a reference supplier process: `node --import tsx subgraphs/main.ts`. SUPPLIER_NAME picks
 * a supplier of the reference market (gp-aurora, hospital-leeds, summary-record, ...) or names a new one
 * (then SUPPLIER_KIND and SUPPLIER_ORGANISATIONS say what it is); see docs/configuration.md.
 */
import { ConfigError } from '../lib/env.js';
import { redact } from '../lib/redact.js';
import { gpSystem } from './gp/supplier.js';
import { trustRecord } from './hospital/supplier.js';
import { supplierSettings, type SupplierSettings } from './server/index.js';
import { runSupplierProcess } from './server/process.js';
import { summaryRecord } from './summary/supplier.js';

function run(settings: SupplierSettings): void {
  switch (settings.kind) {
    case 'gp-system':
      return runSupplierProcess(gpSystem, settings);
    case 'trust-epr':
      return runSupplierProcess(trustRecord, settings);
    case 'summary-record':
      return runSupplierProcess(summaryRecord, settings);
  }
}

try {
  run(supplierSettings());
} catch (error) {
  console.error(
    redact(error instanceof ConfigError ? error.message : String((error as Error).stack ?? error)),
  );
  process.exit(1);
}
