import { Kind, parse, print, type DocumentNode, type FieldDefinitionNode } from 'graphql';

/** The contract's marking for fields that reveal where a patient lives, is registered or is treated. */
export const LOCATION_DIRECTIVE = 'revealsLocation';

/** A field definition with the type it belongs to. */
export interface FieldOf {
  readonly type: string;
  readonly field: FieldDefinitionNode;
}

/** Every field defined (or added by an extension) on an object or interface type of `document`. */
export function fieldsOf(document: DocumentNode): FieldOf[] {
  const out: FieldOf[] = [];
  for (const d of document.definitions) {
    if (
      d.kind === Kind.OBJECT_TYPE_DEFINITION ||
      d.kind === Kind.OBJECT_TYPE_EXTENSION ||
      d.kind === Kind.INTERFACE_TYPE_DEFINITION ||
      d.kind === Kind.INTERFACE_TYPE_EXTENSION
    ) {
      for (const field of d.fields ?? []) out.push({ type: d.name.value, field });
    }
  }
  return out;
}

export const isMarked = (field: FieldDefinitionNode): boolean =>
  field.directives?.some((d) => d.name.value === LOCATION_DIRECTIVE) ?? false;

/** The named type under any list and non-null wrappers: `[Organisation!]` -> `Organisation`. */
export const namedTypeOf = (field: FieldDefinitionNode): string => print(field.type).replace(/[[\]!]/g, '');

/**
 * What a subgraph's SDL says about its fields, as the gateway needs it: each `Type.field` the SDL marks
 * (withheld for restricted patients), the named type every field returns (to follow a selection down),
 * and which fields are lists (merged across suppliers; empty where nobody holds records).
 */
export interface FieldMarkings {
  readonly marked: ReadonlySet<string>;
  readonly returns: ReadonlyMap<string, string>;
  /** Each `Type.field` that returns a list. */
  readonly lists: ReadonlySet<string>;
}

export function fieldMarkings(sdl: string): FieldMarkings {
  const marked = new Set<string>();
  const returns = new Map<string, string>();
  const lists = new Set<string>();
  for (const { type, field } of fieldsOf(parse(sdl))) {
    const key = `${type}.${field.name.value}`;
    returns.set(key, namedTypeOf(field));
    if (isMarked(field)) marked.add(key);
    if (print(field.type).startsWith('[')) lists.add(key);
  }
  return { marked, returns, lists };
}
