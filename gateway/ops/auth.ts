import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Who is behind an ops token: the name recorded against every control action they take. */
export interface OpsCredential {
  readonly operator: string;
  readonly digest: Buffer;
}

const digest = (token: string) => createHash('sha256').update(token).digest();

/**
 * Ops tokens from OPS_TOKENS (`alice=token1,bob=token2`: each operator named in the audit log) and/or
 * OPS_TOKEN (one shared token, recorded as operator `ops`). Tokens shorter than 16 characters are refused.
 */
export function opsCredentials(tokens: string | undefined, single: string | undefined): OpsCredential[] {
  const credentials: OpsCredential[] = [];
  for (const entry of (tokens ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const at = entry.indexOf('=');
    const operator = entry.slice(0, at).trim();
    const token = entry.slice(at + 1).trim();
    if (at <= 0 || !/^[\w.@-]{1,64}$/.test(operator)) {
      throw new RangeError(
        `OPS_TOKENS entries must be operator=token, got an entry starting "${entry.slice(0, 12)}"`,
      );
    }
    if (token.length < 16)
      throw new RangeError(`OPS_TOKENS token for "${operator}" must be at least 16 characters`);
    credentials.push({ operator, digest: digest(token) });
  }
  if (single) {
    if (single.length < 16)
      throw new RangeError(`OPS_TOKEN must be at least 16 characters, got ${single.length}`);
    credentials.push({ operator: 'ops', digest: digest(single) });
  }
  return credentials;
}

export const generateOpsToken = (): string => randomBytes(24).toString('base64url');

/**
 * The operator presenting `authorization`, or undefined. Compares SHA-256 digests in constant time, so
 * neither the token's content nor its length leaks through timing; every credential is checked.
 */
export function authenticate(
  credentials: readonly OpsCredential[],
  authorization: string | undefined,
): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  if (!match) return undefined;
  const presented = digest(match[1]!);
  let operator: string | undefined;
  for (const c of credentials) {
    if (timingSafeEqual(presented, c.digest) && operator === undefined) operator = c.operator;
  }
  return operator;
}
