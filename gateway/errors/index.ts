/** The error codes clients see, and the helpers that produce them. See docs/errors.md. */
export {
  CLIENT_SIDE_SUPPLIER_CODES,
  ErrorCode,
  gatewayError,
  isErrorCode,
  requestErrorBody,
  type ErrorCodeName,
} from './codes.js';
export { clientErrorFormatter } from './client-errors.js';
