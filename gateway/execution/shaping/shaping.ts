import type { NamedType, Schema, Selection, SelectionSet, Type } from '@apollo/federation-internals';
import { stepsOf, TYPENAME, type Condition, type Conditions, type Internals, type Path } from './steps.js';

export type Output = Record<string, unknown>;

function assert(condition: unknown, message: () => string): asserts condition {
  if (!condition) throw new Error(message());
}

const isComposite = (type: Type) =>
  type.kind === 'ObjectType' || type.kind === 'InterfaceType' || type.kind === 'UnionType';

function describe(path: Path, currentType: Type, parentType: Type): string {
  const element = path[path.length - 1];
  assert(element !== undefined, () => 'Should not have been called on an empty path');
  return typeof element === 'string'
    ? `field ${shown(parentType)}.${element}`
    : `array element of type ${shown(currentType)} at index ${element}`;
}

/** A value in a message, as the original's template strings show it (whatever that makes of an object). */
const shown = (value: unknown): string => String(value);

/** One response being shaped. `invalid` and `hasErrors` are what the original returns beside a value. */
export class Shaping {
  invalid = false;
  hasErrors = false;
  readonly errors: unknown[] = [];

  constructor(
    private readonly schema: Schema,
    private readonly variables: Record<string, unknown>,
    private readonly introspection: (selection: Selection) => unknown,
    private readonly fed: Internals,
  ) {}

  private ifValue(condition: Condition): unknown {
    if (condition.variable === undefined) return condition.literal;
    const value = this.variables[condition.variable];
    assert(
      value !== undefined && typeof value === 'boolean',
      () =>
        `Unexpected value ${shown(value)} for variable ${shown(condition.literal)} of ${shown(condition.directive)}`,
    );
    return value;
  }

  private skipped({ skip, include }: Conditions): unknown {
    return (skip && this.ifValue(skip)) || (include && !this.ifValue(include));
  }

  /** Shapes `input` into `output` by `set`; true when a null must bubble up past this object. */
  selectionSet(input: Output, set: SelectionSet, output: Output, path: Path, parentType: Type): boolean {
    for (const step of stepsOf(set, this.schema)) {
      if (step.conditions && this.skipped(step.conditions)) continue;
      if (!step.field) {
        const typename = input[TYPENAME];
        assert(
          !typename || typeof typename === 'string',
          () => `Got unexpected value for __typename: ${shown(typename)}`,
        );
        if (this.applies(step.typeCondition, typename, parentType)) {
          if (this.selectionSet(input, step.below, output, path, step.typeCondition ?? parentType))
            return true;
        }
        continue;
      }
      const name = step.responseName;
      const outputValue = output[name];
      if (step.introspection) {
        if (outputValue === undefined) output[name] = this.introspection(step.selection);
        continue;
      }
      let inputValue = (Object.prototype.hasOwnProperty.call(input, name) ? input[name] : undefined) ?? null;
      if (step.typename) {
        if (outputValue !== undefined) continue;
        if (inputValue === null && name !== TYPENAME) inputValue = input[TYPENAME] ?? null;
        const type =
          inputValue !== null && typeof inputValue === 'string'
            ? (this.schema.type(inputValue) ?? parentType)
            : parentType;
        if (type.kind !== 'ObjectType') return true;
        output[name] = type.name;
        continue;
      }
      path.push(name);
      output[name] = this.value(outputValue, step.type, inputValue, step.below, path, parentType);
      path.pop();
      if (this.invalid) return true;
    }
    return false;
  }

  private applies(condition: NamedType | undefined, typename: unknown, parentType: Type): boolean {
    if (!condition) return true;
    if (typename) {
      const type = this.schema.type(typename as string);
      return !!type && this.fed.isSubtype(condition, type);
    }
    return this.fed.isSubtype(condition, parentType);
  }

  private done(value: unknown, invalid: boolean, hasErrors: boolean): unknown {
    this.invalid = invalid;
    this.hasErrors = hasErrors;
    return value;
  }

  private error(message: string, path: Path): void {
    this.errors.push(this.fed.invalid(message, { path: Array.from(path) }));
  }

  value(
    outputValue: unknown,
    type: Type,
    inputValue: unknown,
    below: SelectionSet | undefined,
    path: Path,
    parentType: Type,
  ): unknown {
    assert(inputValue !== undefined, () => 'Should not pass undefined for `inputValue` to this method');
    if (outputValue === null || (outputValue !== undefined && !below))
      return this.done(outputValue, false, false);
    if (type.kind === 'NonNullType') {
      const updated = this.value(outputValue, type.ofType as Type, inputValue, below, path, parentType);
      if (updated !== null) return this.done(updated, false, false);
      if (!this.hasErrors)
        this.error(
          `Cannot return null for non-nullable ${describe(path, type.ofType as Type, parentType)}.`,
          path,
        );
      return this.done(null, true, true);
    }
    if (inputValue === null) return this.done(null, false, false);
    if (type.kind === 'ListType') return this.list(outputValue, type, inputValue, below, path, parentType);
    if (isComposite(type)) return this.object(outputValue, type, inputValue, below, path, parentType);
    assert(
      outputValue === undefined,
      () => `Excepted output to be undefined but got ${shown(type)} for type ${shown(type)}`,
    );
    const valid = this.fed.isValidLeafValue(this.schema, inputValue, type);
    if (!valid) this.error(`Invalid value found for ${describe(path, type, parentType)}.`, path);
    return this.done(valid ? inputValue : null, false, !valid);
  }

  private list(
    outputValue: unknown,
    type: Type & { kind: 'ListType' },
    inputValue: unknown,
    below: SelectionSet | undefined,
    path: Path,
    parentType: Type,
  ): unknown {
    assert(
      Array.isArray(inputValue),
      () => `Invalid non-list value ${shown(inputValue)} returned by subgraph for list type ${shown(type)}`,
    );
    assert(
      outputValue === undefined || Array.isArray(outputValue),
      () => `Invalid non-list value ${shown(outputValue)} returned by subgraph for list type ${shown(type)}`,
    );
    const before = outputValue as unknown[] | undefined;
    const length = before ? before.length : inputValue.length;
    assert(
      inputValue.length === length,
      () => `[${shown(inputValue)}].length (${inputValue.length}) !== [${shown(before)}].length (${length})`,
    );
    let nullify = false;
    let hasErrors = false;
    const updated: unknown[] = [];
    for (let i = 0; i < length; i++) {
      path.push(i);
      updated.push(this.value(before?.[i], type.ofType as Type, inputValue[i], below, path, parentType));
      path.pop();
      nullify ||= this.invalid;
      hasErrors ||= this.hasErrors;
    }
    return this.done(nullify ? null : updated, false, hasErrors);
  }

  private object(
    outputValue: unknown,
    type: Type,
    inputValue: unknown,
    below: SelectionSet | undefined,
    path: Path,
    parentType: Type,
  ): unknown {
    assert(below, () => `Invalid empty selection set for composite type ${shown(type)}`);
    assert(
      typeof inputValue === 'object',
      () =>
        `Invalid non-object value ${shown(inputValue)} returned by subgraph for composite type ${shown(type)}`,
    );
    assert(
      outputValue === undefined || typeof outputValue === 'object',
      () =>
        `Invalid non-object value ${shown(inputValue)} returned by subgraph for composite type ${shown(type)}`,
    );
    const input = inputValue as Output;
    const inputTypename = input[TYPENAME];
    assert(
      inputTypename === undefined || typeof inputTypename === 'string',
      () => `Invalid non-string value ${shown(inputTypename)} for __typename at ${shown(path)}`,
    );
    let objectType = type;
    if (inputTypename) {
      const named = this.schema.type(inputTypename);
      if (!named || !isComposite(named)) {
        this.error(`Invalid __typename found for object at ${describe(path, type, parentType)}.`, path);
        return this.done(null, false, true);
      }
      objectType = named;
    }
    const output = (outputValue ?? Object.create(null)) as Output;
    const bubbled = this.selectionSet(input, below, output, path, objectType);
    return this.done(bubbled ? null : output, false, bubbled);
  }
}
