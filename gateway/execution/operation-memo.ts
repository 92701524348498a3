import { createRequire } from 'node:module';
import type { DefinitionNode, DocumentNode } from 'graphql';

/**
 * `executeQueryPlan` (@apollo/gateway) rebuilds the federation `Operation` from the request's document on
 * every request (`operationFromDocument(apiSchema, {operation, ...fragments}, {validate: false})`), and
 * the gateway exports no way to hand it one. For a prepared operation, and for a document Apollo Server
 * found in its document store, the operation node, the fragment nodes and the API schema are the same
 * objects request after request on each path, so the result is too: this keeps it, keyed weakly on the
 * operation node and the schema (an entry lives as long as the document and the supergraph generation
 * that hold it) and checked against every fragment node before use. Measured: 9 % less allocated per
 * request (docs/performance.md).
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
  readonly definitions: readonly DefinitionNode[];
  readonly operation: unknown;
}

/** How often the memo answered and how often it had to build: read by tests, and cheap enough to keep. */
export interface MemoCounts {
  built: number;
  reused: number;
}

type Memoised = Build & { readonly [MEMOISED]: { readonly original: Build; readonly counts: MemoCounts } };

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

/**
 * `build`, remembering its result per operation node and schema for the executor's calls. Keyed on both
 * because one document runs against two schema objects of the same generation (Apollo Server's path uses
 * the gateway's, the prepared path its own model's): one entry per node would rebuild on every switch.
 */
export function memoiseOperations(build: Build): Memoised {
  const kept = new WeakMap<DefinitionNode, WeakMap<object, Kept>>();
  const counts: MemoCounts = { built: 0, reused: 0 };
  const memoised: Build = (schema, document, options) => {
    const head = document.definitions[0];
    if (head === undefined || !executorCall(options)) return build(schema, document, options);
    let bySchema = kept.get(head);
    const hit = bySchema?.get(schema);
    if (hit && sameDefinitions(hit.definitions, document.definitions)) {
      counts.reused++;
      return hit.operation;
    }
    const operation = build(schema, document, options);
    counts.built++;
    if (!bySchema) kept.set(head, (bySchema = new WeakMap()));
    bySchema.set(schema, { definitions: [...document.definitions], operation });
    return operation;
  };
  return Object.assign(memoised, { [MEMOISED]: { original: build, counts } });
}

const isMemoised = (f: unknown): f is Memoised => typeof f === 'function' && MEMOISED in f;

/** A federation-internals module as the installed @apollo/gateway itself loads it (a nested copy counts). */
const fromGateway = (module: string) =>
  createRequire(load.resolve('@apollo/gateway'))(module) as Record<string, unknown>;
const gatewaysOperations = () => fromGateway('@apollo/federation-internals/dist/operations');

/** The builder as federation-internals ships it (for tests comparing against a genuinely fresh build). */
export function unmemoisedOperationBuilder(): Build {
  const current = gatewaysOperations().operationFromDocument;
  return (isMemoised(current) ? current[MEMOISED].original : current) as Build;
}

/** Counts of the installed memo; zeros before it is installed. */
export function operationMemoCounts(): Readonly<MemoCounts> {
  const current = gatewaysOperations().operationFromDocument;
  return isMemoised(current) ? { ...current[MEMOISED].counts } : { built: 0, reused: 0 };
}

/**
 * Installs the memo once per process. Returns true when @apollo/federation-internals now hands the
 * memoised function to its callers, false (and changes nothing visible) when its layout is not the one
 * this was written for.
 */
export function installOperationMemo(): boolean {
  const operations = gatewaysOperations();
  const index = fromGateway('@apollo/federation-internals');
  const current = operations.operationFromDocument;
  if (typeof current !== 'function') return false;
  if (!isMemoised(current)) {
    const descriptor = Object.getOwnPropertyDescriptor(operations, 'operationFromDocument');
    if (!descriptor?.writable) return false;
    operations.operationFromDocument = memoiseOperations(current as Build);
  }
  return index.operationFromDocument === operations.operationFromDocument;
}
