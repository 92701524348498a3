import {
  Kind,
  parse,
  print,
  visit,
  type DocumentNode,
  type FieldNode,
  type InlineFragmentNode,
} from 'graphql';
import { LRUCache } from 'lru-cache';

const NHS_NUMBER: FieldNode = { kind: Kind.FIELD, name: { kind: Kind.NAME, value: 'nhsNumber' } };

/**
 * Makes every `... on Patient` selection under `_entities` also ask for `nhsNumber`, so each answer can
 * be checked against the patient it was asked about. Rewritten operations are kept per operation text.
 */
export class IdentitySelection {
  private readonly rewritten = new LRUCache<string, string>({ max: 2_000 });

  operationFor(query: string, document?: DocumentNode): string {
    let out = this.rewritten.get(query);
    if (out === undefined) {
      out = print(addNhsNumber(document ?? parse(query)));
      this.rewritten.set(query, out);
    }
    return out;
  }
}

function addNhsNumber(document: DocumentNode): DocumentNode {
  let depth = 0;
  return visit(document, {
    Field: {
      enter: (node) => void (node.name.value === '_entities' && depth++),
      leave: (node) => void (node.name.value === '_entities' && depth--),
    },
    InlineFragment: {
      leave(node: InlineFragmentNode) {
        if (depth === 0 || node.typeCondition?.name.value !== 'Patient') return undefined;
        const has = node.selectionSet.selections.some(
          (s) => s.kind === Kind.FIELD && s.name.value === 'nhsNumber' && !s.alias,
        );
        if (has) return undefined;
        return {
          ...node,
          selectionSet: { ...node.selectionSet, selections: [...node.selectionSet.selections, NHS_NUMBER] },
        };
      },
    },
  });
}
