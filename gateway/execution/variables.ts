import {
  getVariableValues,
  Kind,
  type GraphQLSchema,
  type TypeNode,
  type VariableDefinitionNode,
} from 'graphql';

/**
 * Whether a request's variables coerce to the operation's variable types, as the gateway's executor
 * requires: exactly graphql-js's `getVariableValues` verdict, which the prepared path needs only as a
 * yes or no. Values of the types clinical apps send (`String`, `ID`, `Boolean`, lists of them, as
 * `patient(nhsNumber: $n)` and `patients(nhsNumbers: $ns)` take) are checked directly: such a value
 * coerces exactly when it is of that JavaScript type (graphql-js's rules for these scalars and for lists,
 * where one value stands for a list of one). Anything else is left to graphql-js.
 */
export function variablesCoerce(
  schema: GraphQLSchema,
  definitions: readonly VariableDefinitionNode[],
  values: Readonly<Record<string, unknown>>,
): boolean {
  if (definitions.every((d) => plainlyCoerces(schema, d, values))) return true;
  return getVariableValues(schema, definitions, values).errors === undefined;
}

const SCALARS: ReadonlyMap<string, (value: unknown) => boolean> = new Map<
  string,
  (value: unknown) => boolean
>([
  ['String', (value: unknown) => typeof value === 'string'],
  ['ID', (value: unknown) => typeof value === 'string'],
  ['Boolean', (value: unknown) => typeof value === 'boolean'],
]);

/** True only when the value certainly coerces; false means "ask graphql-js". */
function plainlyCoerces(
  schema: GraphQLSchema,
  definition: VariableDefinitionNode,
  values: Readonly<Record<string, unknown>>,
): boolean {
  const name = definition.variable.name.value;
  if (!Object.prototype.hasOwnProperty.call(values, name)) return false;
  // The type must be one of these scalars and in the schema (graphql-js refuses a type it does not have).
  let named = definition.type;
  while (named.kind !== Kind.NAMED_TYPE) named = named.type;
  if (!SCALARS.has(named.name.value) || !schema.getType(named.name.value)) return false;
  return valueFits(definition.type, values[name]);
}

function valueFits(type: TypeNode, value: unknown): boolean {
  if (type.kind === Kind.NON_NULL_TYPE) return value !== null && valueFits(type.type, value);
  if (value === null) return true;
  if (type.kind === Kind.LIST_TYPE)
    return Array.isArray(value)
      ? value.every((item) => valueFits(type.type, item))
      : valueFits(type.type, value);
  return SCALARS.get(type.name.value)!(value);
}
