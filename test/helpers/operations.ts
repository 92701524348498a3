import fc from 'fast-check';
import {
  getNamedType,
  isLeafType,
  isObjectType,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';

/** A generated client operation, with what the gateway's limits need to know about it. */
export interface GeneratedOperation {
  readonly query: string;
  readonly variables: Record<string, unknown>;
  readonly aliases: number;
  readonly directives: number;
}

interface Part {
  readonly text: string;
  readonly aliases: number;
  readonly directives: number;
}

const join = (parts: readonly Part[], separator = ' '): Part => ({
  text: parts.map((p) => p.text).join(separator),
  aliases: parts.reduce((n, p) => n + p.aliases, 0),
  directives: parts.reduce((n, p) => n + p.directives, 0),
});

/** Mostly no alias; sometimes an ordinary one, the field's own name, another field's name, or a reserved one. */
function aliasFor(
  type: GraphQLObjectType,
  field: GraphQLField<unknown, unknown>,
): fc.Arbitrary<string | undefined> {
  const others = Object.keys(type.getFields()).filter((name) => name !== field.name);
  return fc.oneof(
    { weight: 24, arbitrary: fc.constant(undefined) },
    { weight: 4, arbitrary: fc.constantFrom('a', 'b', 'first', 'second') },
    { weight: 1, arbitrary: fc.constant(field.name) },
    { weight: 1, arbitrary: others.length > 0 ? fc.constantFrom(...others) : fc.constant(undefined) },
    { weight: 1, arbitrary: fc.constantFrom('__x', '__gatewayIdentity') },
  );
}

const directive = fc.oneof(
  { weight: 10, arbitrary: fc.constant('') },
  {
    weight: 1,
    arbitrary: fc.constantFrom(' @include(if: true)', ' @include(if: false)', ' @skip(if: true)'),
  },
  { weight: 1, arbitrary: fc.constantFrom(' @skip(if: $flag)', ' @include(if: $flag)') },
);

/**
 * A selection set whose first field is never conditional. (Apollo's query planner answers null where
 * GraphQL says `{}` or `[]` when a field under a variable condition has every field below it skipped; no
 * clinical app writes such a query, and the property test found it: see the note in docs/hazard-log.md.)
 */
function selectionSet(type: GraphQLObjectType, depth: number): fc.Arbitrary<Part> {
  const fields = Object.values(type.getFields());
  const pick = (conditional: boolean) =>
    fc.constantFrom(...fields).chain((f) => fieldSelection(type, f, depth, conditional));
  // Duplicates arise naturally: the same field may be picked twice, with or without an alias.
  return fc
    .tuple(pick(false), fc.array(pick(true), { maxLength: Math.max(0, 3 - depth) }))
    .map(([first, rest]) => join([first, ...rest]));
}

function fieldSelection(
  type: GraphQLObjectType,
  field: GraphQLField<unknown, unknown>,
  depth: number,
  conditional: boolean,
): fc.Arbitrary<Part> {
  const named = getNamedType(field.type);
  const below: fc.Arbitrary<Part | undefined> = isObjectType(named)
    ? depth >= 2
      ? fc.constant({
          text:
            Object.keys(named.getFields()).filter((n) =>
              isLeafType(getNamedType(named.getFields()[n]!.type)),
            )[0] ?? '__typename',
          aliases: 0,
          directives: 0,
        })
      : selectionSet(named, depth + 1)
    : fc.constant(undefined);
  return fc
    .record({
      alias: aliasFor(type, field),
      directive: conditional ? directive : fc.constant(''),
      inline: fc.boolean(),
      below,
    })
    .map(({ alias, directive, inline, below }) => {
      const text = `${alias ? `${alias}: ` : ''}${field.name}${directive}${below ? ` { ${below.text} }` : ''}`;
      const part = {
        text: inline && depth > 0 ? `... on ${type.name} { ${text} }` : text,
        aliases: (alias ? 1 : 0) + (below?.aliases ?? 0),
        directives: (directive ? 1 : 0) + (below?.directives ?? 0),
      };
      return part;
    });
}

/**
 * Arbitrary client operations over the clients' schema: one or two root lookups (`patient`, `patients`)
 * of the given NHS numbers, each selecting a random tree of fields with aliases (some clashing, some
 * reserved), duplicates, inline and named fragments and @include/@skip directives. Most are valid; the
 * invalid ones must be refused without touching a supplier.
 */
export function operations(
  schema: GraphQLSchema,
  numbers: readonly string[],
): fc.Arbitrary<GeneratedOperation> {
  const patientType = schema.getType('Patient') as GraphQLObjectType;
  const root = fc
    .record({
      list: fc.boolean(),
      numbers: fc.array(fc.constantFrom(...numbers), { minLength: 1, maxLength: 3 }),
      body: selectionSet(patientType, 1),
      viaFragment: fc.boolean(),
    })
    .map(({ list, numbers: ns, body, viaFragment }) => ({ list, ns, body, viaFragment }));
  return fc
    .record({ roots: fc.array(root, { minLength: 1, maxLength: 2 }), flag: fc.boolean() })
    .map(({ roots, flag }) => {
      const fragments: string[] = [];
      const parts = roots.map((r, i) => {
        const args = r.list
          ? `patients(nhsNumbers: ${JSON.stringify(r.ns)})`
          : `patient(nhsNumber: ${JSON.stringify(r.ns[0])})`;
        let body = r.body.text;
        if (r.viaFragment) {
          fragments.push(`fragment F${i} on Patient { ${body} }`);
          body = `...F${i}`;
        }
        return {
          text: `r${i}: ${args} { ${body} }`,
          aliases: r.body.aliases + 1,
          directives: r.body.directives,
        };
      });
      const all = join(parts);
      // $flag is always declared and always used, so the variable rules never refuse an operation.
      return {
        query: `query Generated($flag: Boolean!) { ${all.text} __typename @include(if: $flag) } ${fragments.join(' ')}`,
        variables: { flag },
        aliases: all.aliases,
        directives: all.directives + 1,
      };
    });
}
