import { createHmac, hkdfSync, randomBytes } from 'node:crypto';

/** The two keys the cache uses, both derived from one master key so operators manage a single secret. */
export interface CacheSecrets {
  /** AES-256-GCM key for values. */
  readonly encryptionKey: Buffer;
  /** HMAC-SHA256 key for the patient part of Redis keys. */
  readonly keyHashKey: Buffer;
  /** True when the master key was generated at start-up (development only: cache unreadable after restart). */
  readonly generated: boolean;
}

/**
 * Parses CACHE_ENCRYPTION_KEY: 32 random bytes as 64 hex characters or base64. Undefined input generates a
 * throwaway key (development); anything else that is not 32 bytes is refused.
 */
export function cacheSecrets(masterKey: string | undefined): CacheSecrets {
  let master: Buffer;
  let generated = false;
  if (masterKey === undefined || masterKey === '') {
    master = randomBytes(32);
    generated = true;
  } else if (/^[0-9a-fA-F]{64}$/.test(masterKey)) {
    master = Buffer.from(masterKey, 'hex');
  } else {
    master = Buffer.from(masterKey, 'base64');
    if (master.length !== 32) {
      throw new RangeError(
        `CACHE_ENCRYPTION_KEY must be 32 bytes as 64 hex characters or base64, got ${masterKey.length} characters`,
      );
    }
  }
  const derive = (purpose: string) => Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), purpose, 32));
  return {
    encryptionKey: derive('patient-record-gateway cache values v1'),
    keyHashKey: derive('patient-record-gateway cache keys v1'),
    generated,
  };
}

/** A keyed hash of `value`, URL-safe, 128 bits: stable for a key, meaningless without it. */
export function keyedHash(key: Buffer, value: string): string {
  return createHmac('sha256', key).update(value).digest('base64url').slice(0, 22);
}
