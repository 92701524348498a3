import { describe, expect, it } from 'vitest';
import { parseIsoDate, parseIsoDateTime } from '../../lib/iso-time.js';
import { DateScalar, DateTimeScalar } from '../../schema/scalars.js';

describe('strict ISO 8601 parsing', () => {
  it('reads real dates and date-times with their zones', () => {
    expect(parseIsoDate('2024-02-29')).toBe(Date.UTC(2024, 1, 29));
    expect(parseIsoDateTime('2026-02-28T23:59Z')).toBe(Date.UTC(2026, 1, 28, 23, 59));
    expect(parseIsoDateTime('2026-11-21T09:14:02.1Z')).toBe(Date.UTC(2026, 10, 21, 9, 14, 2, 100));
    expect(parseIsoDateTime('2026-11-21T10:00:00+01:00')).toBe(Date.UTC(2026, 10, 21, 9));
    expect(parseIsoDateTime('2026-11-21T08:30:00-00:30')).toBe(Date.UTC(2026, 10, 21, 9));
  });

  it.each([
    ['2026-02-30', 'a day February does not have'],
    ['2025-02-29', 'a leap day outside a leap year'],
    ['2026-13-01', 'month 13'],
    ['2026-04-31', 'day 31 of a 30-day month'],
    ['2026-1-01', 'a short month'],
  ])('refuses the date %s (%s)', (value) => {
    expect(parseIsoDate(value)).toBeUndefined();
    expect(parseIsoDateTime(`${value}T00:00Z`)).toBeUndefined();
  });

  it.each([
    ['2026-02-30T00:00Z', 'the ops cut-off that was stored as 2 March'],
    ['2026-02-28T24:00:00Z', 'hour 24'],
    ['2026-02-28T23:60Z', 'minute 60'],
    ['2026-02-28T23:59:60Z', 'a leap second'],
    ['2026-02-28T23:59:00', 'no zone'],
    ['2026-02-28T23:59:00+25:00', 'an offset past 23 hours'],
    ['yesterday', 'words'],
  ])('refuses the date-time %s (%s)', (value) => {
    expect(parseIsoDateTime(value)).toBeUndefined();
  });

  it('is what the Date and DateTime scalars accept, so a supplier cannot send 30 February', () => {
    expect(DateScalar.serialize('2024-02-29')).toBe('2024-02-29');
    expect(() => DateScalar.serialize('2026-02-30')).toThrow(/Date must be/);
    expect(DateTimeScalar.serialize('2026-11-21T09:14:02.118Z')).toBe('2026-11-21T09:14:02.118Z');
    expect(() => DateTimeScalar.serialize('2026-02-30T09:14:02Z')).toThrow(/DateTime must be/);
    expect(() => DateTimeScalar.serialize('2026-11-21T09:14:02+01:00')).toThrow(/UTC/);
  });
});
