import {
  Kind,
  parse,
  print,
  type DefinitionNode,
  type DirectiveNode,
  type DocumentNode,
  type FieldDefinitionNode,
  type ObjectTypeDefinitionNode,
  type ObjectTypeExtensionNode,
} from 'graphql';
import { fieldsOf, isMarked, LOCATION_DIRECTIVE, namedTypeOf } from './markings.js';
import { CONTRACT_SDL } from './subgraphs.js';

/** One way a supplier's SDL breaks the contract in schema/contract.graphql. */
export interface ContractViolation {
  readonly rule:
    | 'SDL_SYNTAX'
    | 'SHARED_TYPE_MISSING'
    | 'SHARED_TYPE_CHANGED'
    | 'PATIENT_KEY'
    | 'ROOT_FIELD'
    | 'NON_NULL_PATIENT_FIELD'
    | 'UNMARKED_LOCATION_FIELD'
    | 'NON_NULL_MARKED_FIELD';
  readonly message: string;
}

type Named = Extract<DefinitionNode, { name: { value: string } }>;
type ObjectNode = ObjectTypeDefinitionNode | ObjectTypeExtensionNode;

const isNamed = (d: DefinitionNode): d is Named => 'name' in d && d.name !== undefined;
const isObject = (d: DefinitionNode): d is ObjectNode =>
  d.kind === Kind.OBJECT_TYPE_DEFINITION || d.kind === Kind.OBJECT_TYPE_EXTENSION;

/** Prints a definition without its descriptions, so wording may differ but shape may not. */
function shape(definition: Named): string {
  return print(
    JSON.parse(
      JSON.stringify(definition, (k, v: unknown) => (k === 'description' || k === 'loc' ? undefined : v)),
    ) as Named,
  );
}

const sharedTypes: readonly Named[] = parse(CONTRACT_SDL).definitions.filter(isNamed);

const hasKey = (directives: readonly DirectiveNode[] | undefined) =>
  (directives ?? []).some(
    (d) =>
      d.name.value === 'key' &&
      d.arguments?.some(
        (a) =>
          a.name.value === 'fields' && a.value.kind === Kind.STRING && a.value.value.trim() === 'nhsNumber',
      ),
  );

function checkPatient(patients: readonly ObjectNode[]): ContractViolation[] {
  if (patients.length === 0 || !patients.some((p) => hasKey(p.directives))) {
    return [{ rule: 'PATIENT_KEY', message: 'Patient must be extended with @key(fields: "nhsNumber")' }];
  }
  const fields = patients.flatMap((p) => p.fields ?? []);
  const violations: ContractViolation[] = [];
  const key = fields.find((f) => f.name.value === 'nhsNumber');
  if (!key || print(key.type) !== 'String!' || !key.directives?.some((d) => d.name.value === 'external')) {
    violations.push({
      rule: 'PATIENT_KEY',
      message: 'Patient.nhsNumber must be declared as "String! @external"',
    });
  }
  const nonNull = (f: FieldDefinitionNode) =>
    f.name.value !== 'nhsNumber' && f.type.kind === Kind.NON_NULL_TYPE;
  for (const field of fields.filter(nonNull)) {
    violations.push({
      rule: 'NON_NULL_PATIENT_FIELD',
      message: `Patient.${field.name.value} is "${print(field.type)}": supplier fields on Patient must be nullable`,
    });
  }
  return violations;
}

/**
 * Checks a supplier subgraph's SDL against the contract. An empty list means it may join the supergraph
 * (composition still has the final word on conflicts between suppliers).
 */
export function checkSupplierContract(sdl: string): ContractViolation[] {
  let document: DocumentNode;
  try {
    document = parse(sdl);
  } catch (error) {
    return [{ rule: 'SDL_SYNTAX', message: (error as Error).message }];
  }
  const definitions = document.definitions.filter(isNamed);
  const violations: ContractViolation[] = [];
  for (const shared of sharedTypes) {
    const theirs = definitions.find((d) => d.name.value === shared.name.value && d.kind === shared.kind);
    if (!theirs) {
      violations.push({
        rule: 'SHARED_TYPE_MISSING',
        message: `shared type ${shared.name.value} is missing`,
      });
    } else if (shape(theirs) !== shape(shared)) {
      violations.push({
        rule: 'SHARED_TYPE_CHANGED',
        message: `shared type ${shared.name.value} differs from schema/contract.graphql`,
      });
    }
  }
  const objects = document.definitions.filter(isObject);
  for (const root of objects.filter((o) => ['Query', 'Mutation', 'Subscription'].includes(o.name.value))) {
    for (const field of root.fields ?? []) {
      violations.push({
        rule: 'ROOT_FIELD',
        message: `${root.name.value}.${field.name.value}: suppliers resolve Patient references only; root fields belong to the patient index`,
      });
    }
  }
  violations.push(...checkPatient(objects.filter((o) => o.name.value === 'Patient')));
  violations.push(...checkLocationMarkings(document));
  return violations;
}

/** Types and field names that reveal where someone lives, is registered or is treated. */
const LOCATING_TYPE = /^Organisation$|Address/;
const LOCATING_NAME = /address|postcode/i;

/**
 * Rule 5: a field that can reveal a location carries @revealsLocation, and a marked field is nullable (the
 * gateway withholds it by answering null).
 */
function checkLocationMarkings(document: DocumentNode): ContractViolation[] {
  const violations: ContractViolation[] = [];
  for (const { type, field } of fieldsOf(document)) {
    const name = `${type}.${field.name.value}`;
    const locating = LOCATING_TYPE.test(namedTypeOf(field)) || LOCATING_NAME.test(field.name.value);
    if (locating && !isMarked(field)) {
      violations.push({
        rule: 'UNMARKED_LOCATION_FIELD',
        message: `${name} ("${print(field.type)}") can reveal where a patient lives, is registered or is treated: mark it @${LOCATION_DIRECTIVE}`,
      });
    }
    if (isMarked(field) && field.type.kind === Kind.NON_NULL_TYPE) {
      violations.push({
        rule: 'NON_NULL_MARKED_FIELD',
        message: `${name} is marked @${LOCATION_DIRECTIVE} but is "${print(field.type)}": the gateway withholds it with null, so it must be nullable`,
      });
    }
  }
  return violations;
}
