/** Who the clinician is: JWT verification (or a development identity), carried to suppliers and audit. */
export {
  createAuthenticator,
  type AuthResult,
  type AuthSettings,
  type Authenticator,
  type ClinicianIdentity,
} from './authenticator.js';
