import { createRequire } from 'node:module';
import type { NamedType, Schema, Selection, SelectionSet, Type } from '@apollo/federation-internals';

/** `@skip` or `@include` as applied, on a field or a fragment (read structurally: its argument, its text). */
interface AnyDirective {
  arguments(): { readonly if: unknown };
  toString(): string;
}

/** A condition of a selection: the first `@skip` or `@include` on it, and its `if` argument. */
export interface Condition {
  readonly directive: AnyDirective;
  readonly variable: string | undefined;
  readonly literal: unknown;
}

export interface Conditions {
  readonly skip: Condition | undefined;
  readonly include: Condition | undefined;
}

interface FieldStep {
  readonly field: true;
  readonly conditions: Conditions | undefined;
  readonly selection: Selection;
  readonly responseName: string;
  readonly introspection: boolean;
  readonly typename: boolean;
  readonly type: Type;
  readonly below: SelectionSet | undefined;
}

interface FragmentStep {
  readonly field: false;
  readonly conditions: Conditions | undefined;
  readonly typeCondition: NamedType | undefined;
  readonly below: SelectionSet;
}

export type Step = FieldStep | FragmentStep;

export const TYPENAME = '__typename';
/** Where in the response a value goes: response names and list indexes. */
export type Path = (string | number)[];
const load = createRequire(import.meta.url);
export const fromGateway = (module: string) =>
  createRequire(load.resolve('@apollo/gateway'))(module) as Record<string, unknown>;

/** What the original uses from federation-internals, read once (not through the index's getters). */
export interface Internals {
  readonly Variable: abstract new (...args: never[]) => { readonly name: string };
  readonly isSubtype: (type: Type, maybeSubType: Type) => boolean;
  readonly isValidLeafValue: (schema: Schema, value: unknown, type: Type) => boolean;
  readonly invalid: (message: string, options: { path: Path }) => unknown;
}

let internals: Internals | undefined;
export function federation(): Internals {
  if (internals) return internals;
  const definitions = fromGateway('@apollo/federation-internals/dist/definitions');
  const types = fromGateway('@apollo/federation-internals/dist/types');
  const values = fromGateway('@apollo/federation-internals/dist/values');
  const { ERRORS } = fromGateway('@apollo/federation-internals/dist/error') as {
    ERRORS: { INVALID_GRAPHQL: { err: Internals['invalid'] } };
  };
  return (internals = {
    Variable: definitions.Variable as Internals['Variable'],
    isSubtype: types.isSubtype as Internals['isSubtype'],
    isValidLeafValue: values.isValidLeafValue as Internals['isValidLeafValue'],
    invalid: (message, options) => ERRORS.INVALID_GRAPHQL.err(message, options),
  });
}

function conditionOf(directive: AnyDirective | undefined): Condition | undefined {
  if (!directive) return undefined;
  const ifArg = directive.arguments().if;
  const variable = ifArg instanceof federation().Variable ? ifArg.name : undefined;
  return { directive, variable, literal: ifArg };
}

const compiled = new WeakMap<SelectionSet, readonly Step[]>();

/** The steps of a selection set: everything about its selections that no answer changes. */
export function stepsOf(set: SelectionSet, schema: Schema): readonly Step[] {
  const known = compiled.get(set);
  if (known) return known;
  const steps = set.selections().map((selection): Step => {
    const element = selection.element;
    const skip = conditionOf(element.appliedDirectivesOf(schema.skipDirective())[0]);
    const include = conditionOf(element.appliedDirectivesOf(schema.includeDirective())[0]);
    const conditions = skip || include ? { skip, include } : undefined;
    if (selection.kind === 'FieldSelection') {
      const field = selection.element;
      return {
        field: true,
        conditions,
        selection,
        responseName: field.responseName(),
        introspection: field.definition.isSchemaIntrospectionField(),
        typename: field.name === TYPENAME,
        type: field.definition.type!,
        below: selection.selectionSet,
      };
    }
    return {
      field: false,
      conditions,
      typeCondition: selection.element.typeCondition,
      below: selection.selectionSet,
    };
  });
  compiled.set(set, steps);
  return steps;
}
