import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { RegistryError } from './errors.js';
import * as registryState from './state.js';
import type { RegistryStore } from './store.js';

/** Who is asking: an operator (ops token) or a supplier (its registry credential). */
export type RegistryCaller =
  { readonly kind: 'operator'; readonly name: string } | { readonly kind: 'supplier'; readonly name: string };

export const callerName = (c: RegistryCaller): string => `${c.kind}:${c.name}`;

const sha256 = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * Suppliers' registry credentials. A token is shown once, when issued, and kept only as its SHA-256
 * digest in the shared registry state; issuing a new one, or revoking, stops the old one at once on every
 * replica. Only operators issue and revoke.
 */
export class RegistryCredentials {
  constructor(
    private readonly store: RegistryStore,
    private readonly audit: { write(record: object): void },
    private readonly now: () => number,
  ) {}

  async issue(supplier: string, caller: RegistryCaller, reason: string) {
    operatorOnly(caller, 'issue credentials');
    if (!/^[a-z][a-z0-9-]{1,62}$/.test(supplier)) {
      throw new RegistryError('INVALID_ENTRY', `not a supplier name: ${JSON.stringify(supplier)}`);
    }
    const token = `prs_${randomBytes(24).toString('base64url')}`;
    const base = this.store.state;
    const at = new Date(this.now()).toISOString();
    const by = callerName(caller);
    await this.store.commit(
      base,
      registryState.withCredential(base, supplier, sha256(token), { by, reason, at }),
    );
    this.audit.write({ type: 'registry-credential', at, by, supplier, action: 'issue', reason });
    return { supplier, token };
  }

  async revoke(supplier: string, caller: RegistryCaller, reason: string) {
    operatorOnly(caller, 'revoke credentials');
    const base = this.store.state;
    await this.store.commit(base, registryState.withoutCredential(base, supplier));
    const at = new Date(this.now()).toISOString();
    this.audit.write({
      type: 'registry-credential',
      at,
      by: callerName(caller),
      supplier,
      action: 'revoke',
      reason,
    });
    return { supplier, revoked: true };
  }

  /** The supplier a token belongs to, compared in constant time against every digest. */
  supplierFor(token: string): string | undefined {
    const presented = Buffer.from(sha256(token), 'hex');
    let found: string | undefined;
    for (const [supplier, credential] of Object.entries(this.store.state.credentials)) {
      if (timingSafeEqual(presented, Buffer.from(credential.sha256, 'hex')) && !found) found = supplier;
    }
    return found;
  }
}

export function operatorOnly(caller: RegistryCaller, what: string): void {
  if (caller.kind !== 'operator') throw new RegistryError('OPERATOR_ONLY', `only operators ${what}`);
}
