import { createSecretKey, type KeyObject } from 'node:crypto';
import { importSPKI, jwtVerify, type JWTPayload } from 'jose';
import { LRUCache } from 'lru-cache';
import type { Clock } from '../../lib/clock.js';

/** The clinician behind a request: carried to every supplier and into every audit record. */
export interface ClinicianIdentity {
  /** The user's identifier at the identity provider (`sub`). */
  readonly userId: string;
  readonly name?: string;
  /** Job role code (e.g. an SDS role such as `R8000`). */
  readonly role: string;
  /** ODS code of the organisation the user is acting for. */
  readonly org: string;
  /** `development` identities are asserted by headers and never accepted in production. */
  readonly source: 'jwt' | 'development';
}

export type AuthResult =
  | { readonly ok: true; readonly identity: ClinicianIdentity }
  | { readonly ok: false; readonly message: string };

export type AuthSettings =
  | {
      readonly mode: 'jwt';
      /** HS256 shared secret, or a PEM public key (RS256, PS256, ES256). */
      readonly secret?: string;
      readonly publicKeyPem?: string;
      readonly issuer: string;
      readonly audience: string;
    }
  | { readonly mode: 'development' };

type VerifyKey = KeyObject | Awaited<ReturnType<typeof importSPKI>>;

export type Authenticator = (
  headers: Readonly<Record<string, string | string[] | undefined>>,
) => Promise<AuthResult>;

const header = (headers: Readonly<Record<string, string | string[] | undefined>>, name: string) => {
  const value = headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first !== undefined && /^[\x20-\x7e]{1,4096}$/.test(first) ? first : undefined;
};

const claim = (payload: JWTPayload, name: string): string | undefined => {
  const value = payload[name];
  // Printable ASCII only: these values travel on to suppliers as HTTP headers.
  return typeof value === 'string' && /^[\x20-\x7e]{1,128}$/.test(value) ? value : undefined;
};

/**
 * Who is asking. In `jwt` mode every request needs `Authorization: Bearer <JWT>` signed by the configured
 * key, with the configured issuer and audience, unexpired, and carrying `sub`, `role` and `org` claims. In
 * `development` mode (refused in production) the identity comes from `x-dev-user`, `x-dev-role` and
 * `x-dev-org` headers, defaulting to a named development user, so tools and demos work without a token.
 */
export async function createAuthenticator(settings: AuthSettings, clock: Clock): Promise<Authenticator> {
  if (settings.mode === 'development') {
    return (headers) =>
      Promise.resolve({
        ok: true,
        identity: {
          userId: header(headers, 'x-dev-user') ?? 'development-user',
          role: header(headers, 'x-dev-role') ?? 'R8000',
          org: header(headers, 'x-dev-org') ?? 'DEV01',
          source: 'development',
        },
      });
  }
  let key: VerifyKey;
  let algorithms: string[];
  if (settings.publicKeyPem) {
    algorithms = ['RS256', 'PS256', 'ES256'];
    key = await importPublicKey(settings.publicKeyPem, algorithms);
  } else {
    algorithms = ['HS256'];
    key = createSecretKey(Buffer.from(settings.secret ?? ''));
  }
  // A clinical app reuses its token for many requests: a token verified once is remembered until it expires.
  const verified = new LRUCache<string, { identity: ClinicianIdentity; expiresAt: number }>({ max: 10_000 });
  return async (headers) => {
    const match = /^Bearer\s+([\w-]+\.[\w-]+\.[\w-]+)\s*$/i.exec(header(headers, 'authorization') ?? '');
    if (!match) return { ok: false, message: 'send Authorization: Bearer <JWT> from your identity provider' };
    const known = verified.get(match[1]!);
    if (known && clock.now() < known.expiresAt) return { ok: true, identity: known.identity };
    try {
      const { payload } = await jwtVerify(match[1]!, key, {
        algorithms,
        issuer: settings.issuer,
        audience: settings.audience,
        currentDate: new Date(clock.now()),
        clockTolerance: 30,
        requiredClaims: ['exp', 'sub'],
      });
      const userId = claim(payload, 'sub');
      const role = claim(payload, 'role');
      const org = claim(payload, 'org');
      if (!userId || !role || !org)
        return { ok: false, message: 'the token must carry sub, role and org claims' };
      const name = claim(payload, 'name');
      const identity: ClinicianIdentity = { userId, role, org, source: 'jwt', ...(name ? { name } : {}) };
      // Remembered until expiry, without the skew allowance: a cached token never outlives the token itself.
      verified.set(match[1]!, { identity, expiresAt: payload.exp! * 1000 });
      return { ok: true, identity };
    } catch (error) {
      return { ok: false, message: `token refused: ${(error as { code?: string }).code ?? 'invalid'}` };
    }
  };
}

/** Imports a PEM public key for whichever of the accepted algorithms it suits. */
async function importPublicKey(pem: string, algorithms: readonly string[]): Promise<VerifyKey> {
  for (const alg of algorithms) {
    try {
      return await importSPKI(pem, alg);
    } catch {
      // try the next algorithm
    }
  }
  throw new RangeError('AUTH_JWT_PUBLIC_KEY is not a PEM public key for RS256, PS256 or ES256');
}
