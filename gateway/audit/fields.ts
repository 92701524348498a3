import { Kind, type DocumentNode, type SelectionSetNode } from 'graphql';

const ROOTS = new Set(['patient', 'patients']);
const cache = new WeakMap<DocumentNode, readonly string[]>();

/**
 * The Patient fields a query asks for under `patient`/`patients` (fragments followed), for the audit
 * record's "what". Apollo Server reuses the parsed document of a repeated query, so this runs once per
 * distinct query.
 */
export function requestedPatientFields(document: DocumentNode | undefined): readonly string[] {
  if (!document) return [];
  const known = cache.get(document);
  if (known) return known;
  const fragments = new Map(
    document.definitions.flatMap((d) =>
      d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d.selectionSet] as const] : [],
    ),
  );
  const fields = new Set<string>();
  const collect = (set: SelectionSetNode, depth: number, into: (name: string) => void) => {
    for (const s of set.selections) {
      if (s.kind === Kind.FIELD) into(s.name.value);
      else if (s.kind === Kind.INLINE_FRAGMENT) collect(s.selectionSet, depth, into);
      else if (depth < 10) {
        const fragment = fragments.get(s.name.value);
        if (fragment) collect(fragment, depth + 1, into);
      }
    }
  };
  for (const d of document.definitions) {
    if (d.kind !== Kind.OPERATION_DEFINITION) continue;
    const roots: SelectionSetNode[] = [];
    for (const s of d.selectionSet.selections) {
      if (s.kind === Kind.FIELD && ROOTS.has(s.name.value) && s.selectionSet) roots.push(s.selectionSet);
    }
    for (const root of roots) collect(root, 0, (name) => name !== '__typename' && fields.add(name));
  }
  const result = [...fields].sort();
  cache.set(document, result);
  return result;
}
