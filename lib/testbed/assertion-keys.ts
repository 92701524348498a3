import { generateKeyPairSync } from 'node:crypto';
import { AssertionSigner } from '../../gateway/auth/index.js';
import { systemClock } from '../clock.js';

/**
 * One ES256 key pair per test or benchmark process: the gateways it starts sign supplier assertions with
 * the private key (ASSERTION_SIGNING_KEY), and the suppliers it starts verify them with the public key set
 * (GATEWAY_JWKS). Generated, never committed.
 */
export const TEST_ASSERTION_KEY = generateKeyPairSync('ec', {
  namedCurve: 'P-256',
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
}).privateKey;

let jwks: Promise<string> | undefined;

/** The JWKS a gateway signing with TEST_ASSERTION_KEY publishes, as JSON for GATEWAY_JWKS. */
export function testJwks(): Promise<string> {
  jwks ??= AssertionSigner.create(
    {
      signingKeyPem: TEST_ASSERTION_KEY,
      publishedKeysPem: [],
      issuer: 'patient-record-gateway',
      ttlSeconds: 5,
    },
    systemClock,
  ).then((signer) => JSON.stringify(signer.jwks));
  return jwks;
}
