import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../lib/logger.js';
import { findLeaks, redact, registerSecret } from '../../lib/redact.js';

describe('log redaction', () => {
  it('masks ten-digit numbers however they are written, and leaves longer numbers alone', () => {
    expect(redact('Invalid non-list value 9990952655 returned')).toBe(
      'Invalid non-list value *** *** 2655 returned',
    );
    expect(redact('patient 999 095 2655 and 999-095-2655')).toBe('patient *** *** 2655 and *** *** 2655');
    // Dots, non-breaking and thin spaces, as numbers are pasted from documents.
    expect(redact('999.095.2655 999\u00a0095\u00a02655 999\u202f095\u202f2655')).toBe(
      '*** *** 2655 *** *** 2655 *** *** 2655',
    );
    // One keystroke from a patient's number (it fails the check digit) is as personal: masked too.
    expect(redact('typed 9990952656')).toBe('typed *** *** 2656');
    // Right after a JSON escape, as a logged string holding a control character is written.
    expect(redact(JSON.stringify('\u00019990952655'))).toBe('"\\u0001*** *** 2655"');
    // Part of a longer number: not an NHS number.
    expect(redact('19990952655 and 99909526551 and 1763812345678')).toBe(
      '19990952655 and 99909526551 and 1763812345678',
    );
    expect(redact('id gp-9990952655-medication-0')).toBe('id gp-*** *** 2655-medication-0');
  });

  it('removes tokens, keys, PEM blocks, URL passwords and configured secrets', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJkciJ9.c2lnbmF0dXJl';
    expect(redact(`authorization: Bearer ${jwt}`)).toBe('authorization: Bearer [jwt redacted]');
    expect(redact('authorization: Bearer opaque-token_123')).toBe('authorization: Bearer [redacted]');
    expect(redact(`token=${jwt}`)).toBe('token=[jwt redacted]');
    expect(redact(`key ${'a1'.repeat(32)} end`)).toBe('key [key redacted] end');
    expect(redact('-----BEGIN PRIVATE KEY-----\\nMIGH\\n-----END PRIVATE KEY-----')).toBe('[pem redacted]');
    expect(redact('redis://:s3cret@cache:6379/0')).toBe('redis://[redacted]@cache:6379/0');
    expect(redact('credential prs_0123456789abcdefABCDEF-_xyz issued')).toBe(
      'credential [credential redacted] issued',
    );
    registerSecret('ops-token-that-is-long');
    expect(redact('given ops-token-that-is-long here')).toBe('given [secret redacted] here');
  });

  it('finds what redaction would remove, so tests can scan whole logs', () => {
    expect(findLeaks('nothing here 12345')).toEqual([]);
    expect(findLeaks('x 9990952655 y')).toEqual(['NHS number 9990952655']);
    expect(findLeaks(redact('x 9990952655 y Bearer abc.def'))).toEqual([]);
  });

  it('is applied to every line a logger writes, error stacks included', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const logger = createLogger('test', { level: 'info' }, sink);
    logger.error({ err: new Error('bad value 9990952655') }, 'failed for 999 095 2655');
    const line = lines.join('');
    expect(line).toContain('*** *** 2655');
    expect(findLeaks(line)).toEqual([]);
  });
});
