import type { TestEntry } from './catalogue.js';
import type { SeededRandom } from './random.js';
import type { Observation } from './types.js';

/** A result for `test`, inside its reference range four times in five. */
export function observation(random: SeededRandom, test: TestEntry, id: string, date: string): Observation {
  const span = test.high - test.low;
  const abnormal = random.chance(0.2);
  const raw = abnormal
    ? random.chance(0.5)
      ? test.low - span * (0.05 + random.next() * 0.3)
      : test.high + span * (0.05 + random.next() * 0.3)
    : test.low + span * random.next();
  const factor = 10 ** test.decimals;
  const value = Math.max(0, Math.round(raw * factor) / factor);
  return {
    id,
    test: test.coding,
    value,
    unit: test.unit,
    referenceRange: `${test.low}-${test.high} ${test.unit}`,
    abnormal: value < test.low || value > test.high,
    date,
  };
}
