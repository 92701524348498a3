import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify, type JSONWebKeySet } from 'jose';

/** The clinician a verified gateway assertion speaks for. */
export interface Caller {
  readonly userId: string;
  readonly role: string;
  readonly org: string;
  readonly requestId: string;
}

export type Verification =
  { readonly ok: true; readonly caller: Caller } | { readonly ok: false; readonly message: string };

export type AssertionVerifier = (authorization: string | undefined) => Promise<Verification>;

export interface VerifierSettings {
  /** This supplier's name: the audience every assertion sent to it must carry. */
  readonly audience: string;
  readonly issuer: string;
  /** Where the gateway's public keys are: its JWKS URL (fetched, cached, refetched for an unknown key)... */
  readonly jwksUrl: string | undefined;
  /** ...or the key set itself, as JSON. */
  readonly jwks: string | undefined;
}

/**
 * Checks the gateway's signed assertion on a request (`Authorization: Bearer <JWT>`): ES256, signed by a
 * key in the gateway's JWKS, issued by the gateway, addressed to this supplier, unexpired (5 s of clock skew
 * allowed), carrying the clinician and the request id. Anything else is refused, with a reason that names
 * the failed check but never echoes the token.
 */
export function assertionVerifier(settings: VerifierSettings): AssertionVerifier {
  const keys = settings.jwksUrl
    ? createRemoteJWKSet(new URL(settings.jwksUrl), { cooldownDuration: 1_000, cacheMaxAge: 300_000 })
    : createLocalJWKSet(JSON.parse(settings.jwks ?? '{"keys":[]}') as JSONWebKeySet);
  return async (authorization) => {
    const token = /^Bearer\s+([\w-]+\.[\w-]+\.[\w-]+)$/i.exec(authorization ?? '')?.[1];
    if (!token) return { ok: false, message: 'a signed assertion from the gateway is required' };
    try {
      const { payload } = await jwtVerify(token, keys, {
        algorithms: ['ES256'],
        issuer: settings.issuer,
        audience: settings.audience,
        clockTolerance: 5,
        maxTokenAge: 60,
        requiredClaims: ['sub', 'role', 'org', 'rid', 'iat', 'exp'],
      });
      const text = (name: string) => (typeof payload[name] === 'string' ? payload[name] : '');
      return {
        ok: true,
        caller: { userId: text('sub'), role: text('role'), org: text('org'), requestId: text('rid') },
      };
    } catch (error) {
      const reason = error instanceof errors.JOSEError ? error.code : 'ERR_INVALID';
      return { ok: false, message: `the gateway's assertion was refused (${reason})` };
    }
  };
}
