/**
 * The hot path for operations the gateway has seen: what depends only on the document, its operation
 * name and the supergraph (parsed and validated document, operation context, query plan) is kept per
 * supergraph generation, and a request for such an operation runs straight through the gateway's
 * executor with Apollo Server's own plugins and error formatting. Everything else takes Apollo Server.
 */
export { PreparedPath, type PreparedPathOptions, type PreparedSource } from './pipeline.js';
export {
  PreparedOperations,
  preparedKey,
  type ExecutionSchemas,
  type PreparedOperation,
  type PreparedRun,
} from './prepared.js';
export { formatErrors, type FormatError } from './errors.js';
export { installOperationMemo } from './operation-memo.js';
export { compiledComputeResponse, installCompiledShaping, originalComputeResponse } from './shaping/index.js';
