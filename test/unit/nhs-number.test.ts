import { describe, expect, it } from 'vitest';
import { formatNhsNumber, maskNhsNumber, nhsCheckDigit, parseNhsNumber } from '../../schema/nhs-number.js';

describe('NHS number', () => {
  it('accepts the worked example, with or without 3-3-4 spaces', () => {
    expect(parseNhsNumber('9434765919')).toEqual({ ok: true, nhsNumber: '9434765919' });
    expect(parseNhsNumber('943 476 5919')).toEqual({ ok: true, nhsNumber: '9434765919' });
  });

  it('computes the Modulus 11 check digit (sum 299, remainder 2, check 9)', () => {
    expect(nhsCheckDigit('943476591')).toBe(9);
  });

  it('rejects a wrong check digit, including the popular example 9876544321', () => {
    expect(parseNhsNumber('9434765918')).toEqual({ ok: false, problem: 'CHECK_DIGIT_MISMATCH' });
    expect(parseNhsNumber('9876544321').ok).toBe(false);
  });

  it('rejects numbers whose check digit would be 10', () => {
    const firstNine = ['000000006', '123456789', '999000001'].find((n) => nhsCheckDigit(n) === undefined);
    expect(firstNine).toBeDefined();
    for (let last = 0; last <= 9; last++) {
      expect(parseNhsNumber(`${firstNine}${last}`)).toEqual({ ok: false, problem: 'NO_VALID_CHECK_DIGIT' });
    }
  });

  it('maps check 11 to 0', () => {
    const nine = Array.from({ length: 1000 }, (_, i) => String(999000000 + i)).find((n) => {
      let sum = 0;
      for (let i = 0; i < 9; i++) sum += Number(n[i]) * (10 - i);
      return sum % 11 === 0;
    })!;
    expect(nhsCheckDigit(nine)).toBe(0);
    expect(parseNhsNumber(`${nine}0`).ok).toBe(true);
  });

  it('passes 0000000000 on its checksum, as the standard allows', () => {
    expect(parseNhsNumber('0000000000').ok).toBe(true);
  });

  it('rejects anything that is not ten digits once spaces are removed', () => {
    for (const bad of ['', '943476591', '94347659190', '943-476-5919', '943476591x', ' 9434765919\n']) {
      expect(parseNhsNumber(bad)).toEqual({ ok: false, problem: 'NOT_TEN_DIGITS' });
    }
  });

  it('formats for people and masks for logs', () => {
    expect(formatNhsNumber('9434765919')).toBe('943 476 5919');
    expect(maskNhsNumber('9434765919')).toBe('*** *** 5919');
  });
});
