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

/**
 * The response key under which each entity's own NHS number comes back. Clients can never write an alias
 * beginning with `__` (gateway/limits/aliases.ts), so no client selection can collide with it.
 */
export const IDENTITY_KEY = '__gatewayIdentity';

const IDENTITY: FieldNode = {
  kind: Kind.FIELD,
  alias: { kind: Kind.NAME, value: IDENTITY_KEY },
  name: { kind: Kind.NAME, value: 'nhsNumber' },
};

/** A supplier operation as sent: its text, and the start of its JSON request body, serialised once. */
export interface PreparedOperation {
  readonly text: string;
  readonly document: DocumentNode;
  /** `{"query":"...","variables":` — the request body is this, the variables' JSON, and a closing brace. */
  readonly bodyPrefix: string;
}

/**
 * Makes every `... on Patient` selection under `_entities` also ask for `nhsNumber`, under the reserved
 * response key IDENTITY_KEY, so each answer can be checked against the patient it was asked about. Rewritten operations are kept per operation text,
 * with their serialised query, so the hot path only serialises each call's variables.
 */
export class IdentitySelection {
  private readonly rewritten = new LRUCache<string, PreparedOperation>({ max: 2_000 });

  operationFor(query: string, document?: DocumentNode): PreparedOperation {
    let out = this.rewritten.get(query);
    if (out === undefined) {
      const rewritten = addNhsNumber(document ?? parse(query));
      const text = print(rewritten);
      out = { text, document: rewritten, bodyPrefix: `{"query":${JSON.stringify(text)},"variables":` };
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
        return {
          ...node,
          selectionSet: { ...node.selectionSet, selections: [...node.selectionSet.selections, IDENTITY] },
        };
      },
    },
  });
}
