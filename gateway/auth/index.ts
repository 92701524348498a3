/**
 * Who the clinician is: JWT verification (or a development identity) on the way in, and the signed
 * assertion that carries the identity to every supplier on the way out.
 */
export {
  createAuthenticator,
  type AuthResult,
  type AuthSettings,
  type Authenticator,
  type ClinicianIdentity,
} from './authenticator.js';
export {
  AssertionSigner,
  pemBlocks,
  type AssertionClaims,
  type AssertionSettings,
  type Jwks,
} from './assertions.js';
