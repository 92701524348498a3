import { isDeepStrictEqual } from 'node:util';

/**
 * One entity from the answers several suppliers gave for the same patient (a hospital record held at
 * several trusts), in the order they are given: lists are joined (each item names its source), and any
 * other value is kept only where every supplier that gave it agrees; where they disagree it is null,
 * because no one supplier speaks for the whole record.
 */
export function mergeEntities(parts: readonly Record<string, unknown>[]): Record<string, unknown> {
  if (parts.length === 1) return parts[0]!;
  const merged: Record<string, unknown> = {};
  for (const part of parts) {
    for (const [key, value] of Object.entries(part)) {
      const held = merged[key];
      if (!(key in merged) || held === undefined) merged[key] = value;
      else if (Array.isArray(held) || Array.isArray(value)) merged[key] = [...asList(held), ...asList(value)];
      else if (!isDeepStrictEqual(held, value)) merged[key] = null;
    }
  }
  return merged;
}

/** A list field one supplier left null (with its own error) adds nothing to the others' items. */
const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
