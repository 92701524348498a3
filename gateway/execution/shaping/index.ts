import type { Operation, Selection } from '@apollo/federation-internals';
import { Shaping, type Output } from './shaping.js';
import { federation, fromGateway } from './steps.js';

/**
 * @apollo/gateway's second pass (`computeResponse` in its `resultShaping` module) turns what the
 * suppliers answered into the response the operation asked for: fields in the operation's order under
 * their aliases, `__typename`, fragments by type condition, `@skip`/`@include`, nulls bubbled up to the
 * nearest nullable field with an error for each. It re-reads every selection's directives, name and type
 * for every object it shapes and allocates a result record per value: 7 µs per patient of a clinic list,
 * a third of a 50-patient request's allocation (docs/performance.md).
 *
 * This is the same algorithm with what depends only on a selection set worked out once per selection set
 * (kept weakly, so it lives as long as the operation that holds it: with the operation memo, as long as
 * the document and its supergraph generation) and no allocation but the response itself. Its contract is
 * to give exactly what the original gives, data, errors and thrown errors alike, for any operation and
 * any supplier answer, malformed ones included: test/unit/result-shaping.test.ts checks that on
 * generated operations and perturbed answers against the original.
 *
 * Installed like the operation memo, by replacing the function on the pinned @apollo/gateway's module
 * (`installCompiledShaping()` says whether the executor now calls it).
 */

interface ShapingInput {
  readonly operation: Operation;
  readonly variables?: Record<string, unknown> | undefined;
  readonly input: Record<string, unknown> | null | undefined;
  readonly introspectionHandling: (selection: Selection) => unknown;
}

interface ShapingOutput {
  readonly data: Record<string, unknown> | null | undefined;
  readonly errors: unknown[];
}

type Shape = ((args: ShapingInput) => ShapingOutput) & { readonly [ORIGINAL]?: Shape };

/** On the installed function: the one it replaced. */
const ORIGINAL = Symbol.for('patient-gateway.compiled-shaping.original');

/** `computeResponse`, compiled per selection set: same arguments, same result. */
export const compiledComputeResponse = ({
  operation,
  variables,
  input,
  introspectionHandling,
}: ShapingInput): ShapingOutput => {
  if (!input) return { data: input, errors: [] };
  const schema = operation.schema();
  const allVariables = Object.assign(
    Object.create(null) as Record<string, unknown>,
    operation.collectDefaultedVariableValues(),
    variables,
  );
  const shaping = new Shaping(schema, allVariables, introspectionHandling, federation());
  const data = Object.create(null) as Output;
  const root = schema.schemaDefinition.rootType(operation.rootKind)!;
  const bubbled = shaping.selectionSet(input, operation.selectionSet, data, [], root);
  return { data: bubbled ? null : data, errors: shaping.errors };
};

const shapingModule = () => fromGateway('@apollo/gateway/dist/resultShaping') as { computeResponse: Shape };

/** The gateway's own `computeResponse`, as shipped (for tests comparing the two). */
export function originalComputeResponse(): Shape {
  const current = shapingModule().computeResponse;
  return current[ORIGINAL] ?? current;
}

/**
 * Installs the compiled shaping once per process. True when @apollo/gateway's executor now calls it; false
 * (changing nothing) when the module is not laid out as this was written for.
 */
export function installCompiledShaping(): boolean {
  const module = shapingModule();
  const current = module.computeResponse;
  if (typeof current !== 'function') return false;
  if (current[ORIGINAL]) return true;
  if (!Object.getOwnPropertyDescriptor(module, 'computeResponse')?.writable) return false;
  module.computeResponse = Object.assign((args: ShapingInput) => compiledComputeResponse(args), {
    [ORIGINAL]: current,
  });
  return module.computeResponse[ORIGINAL] === current;
}
