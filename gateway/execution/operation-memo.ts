import { createRequire } from 'node:module';
import type { DefinitionNode, DocumentNode } from 'graphql';

/**
 * `executeQueryPlan` (@apollo/gateway) rebuilds the federation `Operation` from the request's document on
 * every request (`operationFromDocument(apiSchema, {operation, ...fragments}, {validate: false})`), and
 * the gateway exports no way to hand it one. For a prepared operation, and for a document Apollo Server
 * found in its document store, the operation node, the fragment nodes and the API schema are the same
 * objects request after request, so the result is too: this keeps it, keyed weakly on the operation node
 * (an entry lives as long as the document that holds it) and checked against the schema and every
 * fragment node before use. Measured: 9 % less allocated per request (docs/performance.md).
 *
 * Only calls of that exact shape are kept; planning and validation (which pass other options) are not.
 * The `Operation` is only read after it is built (result shaping, condition evaluation), never changed.
 *
 * It works by replacing the function on the pinned @apollo/federation-internals' `operations` module,
 * which the package index re-exports through a getter: `installOperationMemo()` reports whether the
 * replacement is what the gateway now sees, and test/unit/operation-memo.test.ts fails when an upgrade
 * breaks that (requests then behave exactly as before, only without the saving).
 */
type Build = (
  schema: object,
  document: DocumentNode,
  options?: { validate?: boolean; operationName?: string },
) => unknown;

interface Kept {
  readonly schema: object;
  readonly definitions: readonly DefinitionNode[];
  readonly operation: unknown;
}

const load = createRequire(import.meta.url);
const MEMOISED = Symbol.for('patient-gateway.operation-memo');

/** The executor's call shape: validation off, the operation found without a name (it is the only one). */
const executorCall = (options: Parameters<Build>[2]) =>
  options !== undefined && options.validate === false && options.operationName === undefined;

function sameDefinitions(a: readonly DefinitionNode[], b: readonly DefinitionNode[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** `build`, remembering its result per operation node for the executor's calls. */
export function memoiseOperations(build: Build): Build {
  const kept = new WeakMap<DefinitionNode, Kept>();
  const memoised: Build = (schema, document, options) => {
    const head = document.definitions[0];
    if (head === undefined || !executorCall(options)) return build(schema, document, options);
    const hit = kept.get(head);
    if (hit && hit.schema === schema && sameDefinitions(hit.definitions, document.definitions))
      return hit.operation;
    const operation = build(schema, document, options);
    kept.set(head, { schema, definitions: [...document.definitions], operation });
    return operation;
  };
  return Object.assign(memoised, { [MEMOISED]: true });
}

/**
 * Installs the memo once per process. Returns true when @apollo/federation-internals now hands the
 * memoised function to its callers, false (and changes nothing visible) when its layout is not the one
 * this was written for.
 */
export function installOperationMemo(): boolean {
  const operations = load('@apollo/federation-internals/dist/operations') as Record<string, unknown>;
  const index = load('@apollo/federation-internals') as Record<string, unknown>;
  const current = operations.operationFromDocument;
  if (typeof current !== 'function') return false;
  if (!(MEMOISED in current)) {
    const descriptor = Object.getOwnPropertyDescriptor(operations, 'operationFromDocument');
    if (!descriptor?.writable) return false;
    operations.operationFromDocument = memoiseOperations(current as Build);
  }
  return index.operationFromDocument === operations.operationFromDocument;
}
