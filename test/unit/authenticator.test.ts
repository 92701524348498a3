import { createSecretKey } from 'node:crypto';
import { exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { createAuthenticator } from '../../gateway/auth/index.js';
import { FakeClock } from '../helpers/clock.js';

const SECRET = 's'.repeat(40);
const settings = { mode: 'jwt' as const, secret: SECRET, issuer: 'https://idp.test', audience: 'gateway' };
const clock = new FakeClock(Date.parse('2026-11-21T09:00:00Z'));

async function token(
  claims: Record<string, unknown>,
  options: {
    exp?: number;
    iss?: string;
    aud?: string;
    key?: Parameters<SignJWT['sign']>[0];
    alg?: string;
  } = {},
) {
  const jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: options.alg ?? 'HS256' })
    .setSubject('user-123')
    .setIssuer(options.iss ?? settings.issuer)
    .setAudience(options.aud ?? settings.audience)
    .setIssuedAt(Math.floor(clock.now() / 1000))
    .setExpirationTime(options.exp ?? Math.floor(clock.now() / 1000) + 3600);
  return jwt.sign(options.key ?? createSecretKey(Buffer.from(SECRET)));
}

const bearer = (t: string) => ({ authorization: `Bearer ${t}` });

describe('clinician authentication', () => {
  it('accepts a signed, unexpired token with the role and organisation claims', async () => {
    const authenticate = await createAuthenticator(settings, clock);
    const result = await authenticate(
      bearer(await token({ role: 'R8000', org: 'A81001', name: 'Dr A Patel' })),
    );
    expect(result).toEqual({
      ok: true,
      identity: { userId: 'user-123', role: 'R8000', org: 'A81001', name: 'Dr A Patel', source: 'jwt' },
    });
  });

  it.each([
    ['no header', {}],
    ['a non-bearer header', { authorization: 'Basic dXNlcjpwYXNz' }],
    ['garbage', { authorization: 'Bearer not-a-jwt' }],
  ])('refuses %s', async (_, headers) => {
    const authenticate = await createAuthenticator(settings, clock);
    expect((await authenticate(headers)).ok).toBe(false);
  });

  it('refuses tokens from another issuer, for another audience, signed with another key, or without claims', async () => {
    const authenticate = await createAuthenticator(settings, clock);
    const claims = { role: 'R8000', org: 'A81001' };
    for (const t of [
      await token(claims, { iss: 'https://evil.test' }),
      await token(claims, { aud: 'someone-else' }),
      await token(claims, { key: createSecretKey(Buffer.from('t'.repeat(40))) }),
      await token({ role: 'R8000' }),
      await token({ role: 'R8000\r\nx-injected: 1', org: 'A81001' }),
    ]) {
      expect((await authenticate(bearer(t))).ok).toBe(false);
    }
  });

  it('refuses an expired token, judged on the injected clock (30 s of skew allowed)', async () => {
    const authenticate = await createAuthenticator(settings, clock);
    const t = await token({ role: 'R8000', org: 'A81001' }, { exp: Math.floor(clock.now() / 1000) + 60 });
    expect((await authenticate(bearer(t))).ok).toBe(true);
    clock.tick(89_000);
    expect((await authenticate(bearer(t))).ok).toBe(true);
    clock.tick(2_000);
    expect(await authenticate(bearer(t))).toEqual({ ok: false, message: 'token refused: ERR_JWT_EXPIRED' });
  });

  it('verifies RS256 tokens against a PEM public key, and refuses HS256 tokens made with that key as a secret', async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    const pem = await exportSPKI(publicKey);
    const authenticate = await createAuthenticator(
      { mode: 'jwt', publicKeyPem: pem, issuer: settings.issuer, audience: settings.audience },
      clock,
    );
    expect(
      (
        await authenticate(
          bearer(await token({ role: 'R8000', org: 'A81001' }, { key: privateKey, alg: 'RS256' })),
        )
      ).ok,
    ).toBe(true);
    const confused = await token(
      { role: 'R8000', org: 'A81001' },
      { key: createSecretKey(Buffer.from(pem)) },
    );
    expect((await authenticate(bearer(confused))).ok).toBe(false);
  });

  it('takes a development identity from headers, with defaults', async () => {
    const authenticate = await createAuthenticator({ mode: 'development' }, clock);
    expect(await authenticate({})).toEqual({
      ok: true,
      identity: { userId: 'development-user', role: 'R8000', org: 'DEV01', source: 'development' },
    });
    expect(await authenticate({ 'x-dev-user': 'nurse-1', 'x-dev-org': 'RR8' })).toMatchObject({
      identity: { userId: 'nurse-1', org: 'RR8' },
    });
  });
});
