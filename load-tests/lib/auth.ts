import { createSecretKey } from 'node:crypto';
import { SignJWT } from 'jose';

/**
 * The benchmark authenticates like a clinical app: this gateway runs in production mode, so every request
 * carries a clinician JWT that it verifies (the peers have no authentication and ignore the header).
 */
const SECRET = 'benchmark-only-jwt-secret-0123456789abcdef';
const ISSUER = 'https://identity.benchmark.invalid';
const AUDIENCE = 'patient-record-gateway';

export const BENCH_AUTH_ENV = {
  AUTH_MODE: 'jwt',
  AUTH_JWT_SECRET: SECRET,
  AUTH_JWT_ISSUER: ISSUER,
  AUTH_JWT_AUDIENCE: AUDIENCE,
} as const;

export const BENCH_TOKEN = await new SignJWT({ role: 'R8000', org: 'RR8', name: 'Benchmark Clinician' })
  .setProtectedHeader({ alg: 'HS256' })
  .setSubject('benchmark-user')
  .setIssuer(ISSUER)
  .setAudience(AUDIENCE)
  .setIssuedAt()
  .setExpirationTime('3h')
  .sign(createSecretKey(Buffer.from(SECRET)));
