import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * AES-256-GCM for cached values. The cache key is bound in as associated data, so a value copied to
 * another key (say, another patient's) fails to decrypt instead of being served as that patient's record.
 * Layout: version (1 byte) | IV (12) | tag (16) | ciphertext.
 */
export class CacheCipher {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new RangeError(`AES-256 needs a 32-byte key, got ${key.length} bytes`);
  }

  seal(plaintext: string, boundTo: string): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(boundTo));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.of(VERSION), iv, cipher.getAuthTag(), body]);
  }

  /** The plaintext, or undefined when the value is not ours, was tampered with, or was moved to another key. */
  open(sealed: Buffer, boundTo: string): string | undefined {
    if (sealed.length < 1 + IV_BYTES + TAG_BYTES || sealed[0] !== VERSION) return undefined;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, sealed.subarray(1, 1 + IV_BYTES));
      decipher.setAAD(Buffer.from(boundTo));
      decipher.setAuthTag(sealed.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES));
      return Buffer.concat([
        decipher.update(sealed.subarray(1 + IV_BYTES + TAG_BYTES)),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      return undefined;
    }
  }
}
