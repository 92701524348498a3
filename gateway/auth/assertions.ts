import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomUUID,
  sign,
  type KeyObject,
} from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, type JWK } from 'jose';
import type { Clock } from '../../lib/clock.js';
import type { ClinicianIdentity } from './authenticator.js';

/**
 * How the gateway proves to suppliers who is asking. Every supplier call carries a short-lived ES256 JWT
 * (`Authorization: Bearer ...`) signed by the gateway: the clinician (`sub`, `role`, `org`, `name`), the
 * request id (`rid`), the supplier as audience, a lifetime of a few seconds. Suppliers verify it against the
 * gateway's JWKS (`/.well-known/jwks.json` on the ops port), so a call without one, or with a forged,
 * expired or misaddressed one, is refused by the supplier itself.
 */
export interface AssertionSettings {
  /** PKCS#8 PEM of the P-256 key that signs; undefined generates one for this process (development). */
  readonly signingKeyPem: string | undefined;
  /**
   * Public keys published beside the signing key, for a key roll-over: publish the next key first, then
   * sign with it while the old one stays published until every token it signed has expired.
   */
  readonly publishedKeysPem: readonly string[];
  readonly issuer: string;
  readonly ttlSeconds: number;
}

export interface Jwks {
  readonly keys: readonly JWK[];
}

const base64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

/** The claims of one assertion, as suppliers read them. */
export interface AssertionClaims {
  readonly iss: string;
  readonly aud: string;
  readonly sub: string;
  readonly role: string;
  readonly org: string;
  readonly name?: string;
  readonly rid: string;
  readonly jti: string;
  readonly iat: number;
  readonly exp: number;
}

export class AssertionSigner {
  private constructor(
    private readonly key: KeyObject,
    private readonly header: string,
    private readonly settings: AssertionSettings,
    private readonly clock: Clock,
    /** The published key set: the signing key's public half first, then any others. */
    readonly jwks: Jwks,
    /** True when the key was generated at start-up (development only). */
    readonly generated: boolean,
  ) {}

  static async create(settings: AssertionSettings, clock: Clock): Promise<AssertionSigner> {
    const generated = settings.signingKeyPem === undefined;
    const key = generated
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey
      : privateKeyOf(settings.signingKeyPem);
    const published = [createPublicKey(key), ...settings.publishedKeysPem.map(publicKeyOf)];
    const keys: JWK[] = [];
    for (const publicKey of published) {
      const jwk = await exportJWK(publicKey);
      const kid = await calculateJwkThumbprint(jwk);
      if (!keys.some((k) => k.kid === kid)) keys.push({ ...jwk, kid, alg: 'ES256', use: 'sig' });
    }
    const header = base64url(JSON.stringify({ alg: 'ES256', typ: 'JWT', kid: keys[0]!.kid }));
    return new AssertionSigner(key, header, settings, clock, { keys }, generated);
  }

  /**
   * A signed assertion for one supplier call. Signed with node:crypto directly: jose's WebCrypto signing
   * costs ~260 µs a call here against ~36 µs, on a path every request takes once per supplier; the
   * compact serialisation is what RFC 7515 prescribes, and suppliers verify it with jose.
   */
  sign(identity: ClinicianIdentity, requestId: string, audience: string): string {
    const iat = Math.floor(this.clock.now() / 1000);
    const claims: AssertionClaims = {
      iss: this.settings.issuer,
      aud: audience,
      sub: identity.userId,
      role: identity.role,
      org: identity.org,
      ...(identity.name ? { name: identity.name } : {}),
      rid: requestId,
      jti: randomUUID(),
      iat,
      exp: iat + this.settings.ttlSeconds,
    };
    const input = `${this.header}.${base64url(JSON.stringify(claims))}`;
    const signature = sign('sha256', Buffer.from(input), { key: this.key, dsaEncoding: 'ieee-p1363' });
    return `${input}.${base64url(signature)}`;
  }
}

/** PEM text as configured: newlines may arrive escaped (one-line environment files). */
const unescape = (pem: string) => pem.replace(/\\n/g, '\n').trim();

function privateKeyOf(pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey(unescape(pem));
  } catch {
    throw new RangeError('ASSERTION_SIGNING_KEY is not a PEM private key');
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new RangeError(
      `ASSERTION_SIGNING_KEY must be a P-256 (ES256) key, got ${key.asymmetricKeyType} key`,
    );
  }
  return key;
}

function publicKeyOf(pem: string): KeyObject {
  try {
    const key = createPublicKey(unescape(pem));
    if (key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return key;
  } catch {
    // reported below
  }
  throw new RangeError('ASSERTION_PUBLISHED_KEYS must hold PEM public P-256 (ES256) keys');
}

/** Splits concatenated PEM blocks (`-----BEGIN ...` ... `-----END ...-----`) into single keys. */
export function pemBlocks(text: string | undefined): string[] {
  return [...unescape(text ?? '').matchAll(/-----BEGIN [A-Z ]+-----[\s\S]*?-----END [A-Z ]+-----/g)].map(
    (m) => m[0],
  );
}
