import { describe, expect, it } from 'vitest';
import { mergeEntities } from '../../gateway/routing/index.js';

describe("merging one patient's answers from several suppliers", () => {
  it('joins lists in the order given, and keeps other values only where every supplier agrees', () => {
    const leeds = { id: 'p', trust: { odsCode: 'RR8' }, encounters: [{ id: 'rr8-1' }], warnings: [] };
    const newcastle = {
      id: 'p',
      trust: { odsCode: 'RTD' },
      encounters: [{ id: 'rtd-1' }, { id: 'rtd-2' }],
      warnings: [],
    };
    expect(mergeEntities([leeds, newcastle])).toEqual({
      id: 'p',
      trust: null, // two trusts: no single one speaks for the whole record
      encounters: [{ id: 'rr8-1' }, { id: 'rtd-1' }, { id: 'rtd-2' }],
      warnings: [],
    });
  });

  it('adds nothing for a list one supplier left null (its own error says why)', () => {
    expect(mergeEntities([{ encounters: null }, { encounters: [{ id: 'x' }] }])).toEqual({
      encounters: [{ id: 'x' }],
    });
  });

  it('gives a single answer back as it is', () => {
    const one = { a: 1 };
    expect(mergeEntities([one])).toBe(one);
  });
});
