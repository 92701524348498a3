/** Entry point of the hospital supplier process: `node --import tsx subgraphs/hospital/main.ts` (HOSPITAL_HOST, HOSPITAL_PORT). */
import { runSupplierProcess, supplierSettings } from '../server/index.js';
import { hospitalSupplier } from './supplier.js';

runSupplierProcess(hospitalSupplier, () => supplierSettings('HOSPITAL', 4002));
