import type { GraphQLSchema } from 'graphql';
import type { OperationUse } from '../../usage/index.js';

/** A change a client could notice: a removed field, a changed type, a removed enum value. */
export interface BreakingChange {
  /** `Type.field` (or `Type` for a whole type). */
  readonly coordinate: string;
  readonly message: string;
}

/** A breaking change with the operations, seen within the usage window, that read what it breaks. */
export interface BreakingChangeInUse extends BreakingChange {
  readonly operations: readonly {
    readonly name: string | null;
    readonly client: string;
    readonly lastSeen: string;
  }[];
}

/** What breaks for a client of `before` if `after` replaces it (graphql-inspector's BREAKING changes). */
export async function breakingChanges(
  before: GraphQLSchema,
  after: GraphQLSchema,
): Promise<BreakingChange[]> {
  // Loaded on first use: only registry checks need it, so a replica that never checks one does not hold it
  // (see startTracing for the memory this saves).
  const { CriticalityLevel, diff } = await import('@graphql-inspector/core');
  const changes = await diff(before, after);
  return changes
    .filter((c) => c.criticality.level === CriticalityLevel.Breaking)
    .map((c) => ({ coordinate: c.path ?? '', message: c.message }));
}

/**
 * The breaking changes some recorded operation reads: a field's coordinate matched exactly, a whole type
 * by any of its fields. An enum value or argument change matches the field it belongs to.
 */
export function inUse(
  changes: readonly BreakingChange[],
  uses: readonly OperationUse[],
): BreakingChangeInUse[] {
  return changes.flatMap((change) => {
    const [type, field] = change.coordinate.split('.');
    const reads = (coordinate: string) =>
      field === undefined ? coordinate.startsWith(`${type}.`) : coordinate === `${type}.${field}`;
    const operations = uses
      .filter((u) => u.fields.some(reads))
      .map((u) => ({ name: u.name, client: u.client, lastSeen: new Date(u.lastSeen).toISOString() }));
    return operations.length > 0 ? [{ ...change, operations }] : [];
  });
}
