import { Kind, type DocumentNode, type FragmentDefinitionNode, type SelectionSetNode } from 'graphql';
import { LRUCache } from 'lru-cache';
import type { FieldMarkings } from '../../schema/index.js';
import { IDENTITY_KEY } from '../suppliers/index.js';

/**
 * The answer for a patient the record locator lists at no organisation of a domain (never seen at any
 * trust): every list the operation selects is empty and every other field null, without asking anyone.
 * Worked out once per supplier operation.
 */
export class EmptyAnswers {
  private readonly shapes = new LRUCache<string, readonly (readonly [string, unknown])[]>({ max: 2_000 });

  constructor(private readonly markings: FieldMarkings) {}

  for(operation: string, document: DocumentNode, nhsNumber: string): Record<string, unknown> {
    let shape = this.shapes.get(operation);
    if (shape === undefined) {
      shape = shapeOf(document, this.markings);
      this.shapes.set(operation, shape);
    }
    const entity: Record<string, unknown> = { [IDENTITY_KEY]: nhsNumber };
    // A fresh list each time: the gateway merges into what it is given.
    for (const [key, value] of shape) entity[key] ??= Array.isArray(value) ? [] : value;
    return entity;
  }
}

/** The response keys selected on Patient under `_entities`, each with its empty value: [], null or the type. */
function shapeOf(document: DocumentNode, markings: FieldMarkings): (readonly [string, unknown])[] {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions)
    if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const keys: (readonly [string, unknown])[] = [];
  const walk = (set: SelectionSetNode, type: string, depth: number): void => {
    for (const s of set.selections) {
      if (s.kind === Kind.INLINE_FRAGMENT)
        walk(s.selectionSet, s.typeCondition?.name.value ?? type, depth + 1);
      else if (s.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(s.name.value);
        if (fragment && depth < 32) walk(fragment.selectionSet, fragment.typeCondition.name.value, depth + 1);
      } else if (type === 'Patient' && !s.alias?.value.startsWith('__')) {
        const key = s.alias?.value ?? s.name.value;
        if (s.name.value === '__typename') keys.push([key, 'Patient']);
        else keys.push([key, markings.lists.has(`Patient.${s.name.value}`) ? [] : null]);
      }
    }
  };
  for (const d of document.definitions) {
    if (d.kind !== Kind.OPERATION_DEFINITION) continue;
    for (const s of d.selectionSet.selections) {
      if (s.kind === Kind.FIELD && s.name.value === '_entities' && s.selectionSet)
        walk(s.selectionSet, '_Entity', 0);
    }
  }
  return keys;
}
