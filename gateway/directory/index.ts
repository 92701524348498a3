/**
 * The supplier market: which organisations exist, which suppliers serve which of them for each record
 * domain, and the migrations operators schedule between suppliers. Routing asks it who to call for each
 * patient; the ops console shows it.
 */
export { loadMarket, referenceMarket, validateMarket } from './load.js';
export {
  marketProblems,
  ODS_CODE,
  type Market,
  type MarketDomain,
  type MarketOrganisation,
  type MarketProblem,
  type MarketSupplier,
} from './market.js';
export { PREVIOUS_SUPPLIER_WINDOW_MS, SupplierDirectory, type Migration, type Target } from './directory.js';
