import { Kind, type DocumentNode, type FragmentDefinitionNode, type SelectionSetNode } from 'graphql';
import { LRUCache } from 'lru-cache';
import type { FieldMarkings } from '../../schema/index.js';

/** Response-key paths, from a Patient entity down, of every marked field an operation selects. */
export type WithholdPlan = readonly (readonly string[])[];

/**
 * Withholds the fields a supplier's SDL marks @revealsLocation from the entities it returns for
 * restricted patients. Which response keys those are depends on the operation (clients alias fields, and
 * nest marked fields inside sections), so a plan is worked out once per supplier operation and kept.
 */
export class LocationPolicy {
  private readonly plans = new LRUCache<string, WithholdPlan>({ max: 2_000 });

  constructor(private readonly markings: FieldMarkings) {}

  /** The plan for a supplier `_entities` operation, from its text (the key) and document. */
  planFor(operation: string, document: DocumentNode): WithholdPlan {
    let plan = this.plans.get(operation);
    if (plan === undefined) {
      plan = planOf(document, this.markings);
      this.plans.set(operation, plan);
    }
    return plan;
  }
}

function planOf(document: DocumentNode, markings: FieldMarkings): WithholdPlan {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions)
    if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const paths: string[][] = [];
  const walk = (set: SelectionSetNode, type: string, prefix: readonly string[], depth: number): void => {
    if (depth > 32) return; // planner operations are shallow; this only guards against a cyclic fragment
    for (const s of set.selections) {
      if (s.kind === Kind.INLINE_FRAGMENT) {
        walk(s.selectionSet, s.typeCondition?.name.value ?? type, prefix, depth + 1);
      } else if (s.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(s.name.value);
        if (fragment) walk(fragment.selectionSet, fragment.typeCondition.name.value, prefix, depth + 1);
      } else {
        const field = `${type}.${s.name.value}`;
        const path = [...prefix, s.alias?.value ?? s.name.value];
        if (markings.marked.has(field)) paths.push(path);
        else if (s.selectionSet) walk(s.selectionSet, markings.returns.get(field) ?? '', path, depth + 1);
      }
    }
  };
  for (const d of document.definitions) {
    if (d.kind !== Kind.OPERATION_DEFINITION) continue;
    for (const s of d.selectionSet.selections) {
      // `_entities` returns the `_Entity` union: its members are chosen by inline fragments (`... on Patient`).
      if (s.kind === Kind.FIELD && s.name.value === '_entities' && s.selectionSet)
        walk(s.selectionSet, '_Entity', [], 0);
    }
  }
  return paths;
}

/**
 * A copy of `entity` with every planned field that holds a value set to null (through lists), and the
 * withheld fields as dotted response paths (`encounters.source`); the entity itself when nothing was held.
 */
export function withhold(entity: unknown, plan: WithholdPlan): { entity: unknown; withheld: string[] } {
  const withheld = new Set<string>();
  let copy: unknown;
  for (const path of plan) {
    if (!holdsValue(entity, path)) continue;
    copy ??= structuredClone(entity);
    clear(copy, path);
    withheld.add(path.join('.'));
  }
  return { entity: copy ?? entity, withheld: [...withheld] };
}

function holdsValue(value: unknown, path: readonly string[]): boolean {
  if (Array.isArray(value)) return value.some((item) => holdsValue(item, path));
  if (typeof value !== 'object' || value === null) return false;
  const next = (value as Record<string, unknown>)[path[0]!];
  return path.length === 1 ? next !== null && next !== undefined : holdsValue(next, path.slice(1));
}

function clear(value: unknown, path: readonly string[]): void {
  if (Array.isArray(value)) {
    for (const item of value) clear(item, path);
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  const record = value as Record<string, unknown>;
  if (path.length === 1) {
    if (path[0]! in record) record[path[0]!] = null;
  } else clear(record[path[0]!], path.slice(1));
}
