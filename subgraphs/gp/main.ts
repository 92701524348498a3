/** Entry point of the GP supplier process: `node --import tsx subgraphs/gp/main.ts` (GP_HOST, GP_PORT). */
import { runSupplierProcess, supplierSettings } from '../server/index.js';
import { gpSupplier } from './supplier.js';

runSupplierProcess(gpSupplier, () => supplierSettings('GP', 4001));
