import {
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';

/** The root fields that look patients up, and how many each call touches. */
const SINGLE_PATIENT = 'patient';
const PATIENT_LIST = 'patients';

/**
 * What one operation of a document costs, before its variables are known.
 *
 * Cost counts field selections as written, after fragments are expanded: every alias and every duplicate
 * counts, and the k-th selection of the same response key in one selection set costs k times its subtree,
 * because that is how the work grows (graphql-js's overlapping-fields check compares each pair, so 495
 * copies of one field cost ~450 ms to validate). Fields under a patient lookup count once per patient.
 */
export interface OperationCost {
  readonly kind: OperationDefinitionNode['operation'];
  /** Patients named in literals (`patient(...)` counts 1, `patients([...])` its list length). */
  readonly fixedPatients: number;
  /** Cost that does not depend on variables. */
  readonly fixedCost: number;
  /** `patients(nhsNumbers: $var)`: the variable, and the cost of one patient under that field. */
  readonly patientVariables: readonly { readonly name: string; readonly costPerPatient: number }[];
  /** True when expansion stopped at the ceiling: the operation is refused whatever its variables. */
  readonly overCeiling: boolean;
}

/** Thrown inside the walk once it has visited `ceiling` fields (fragment bombs stop early). */
class Ceiling extends Error {}

/**
 * Costs every operation in `document`. Expansion stops after `ceiling` fields, so a document that expands
 * exponentially (fragments spreading fragments) costs bounded work to refuse.
 */
export function costOfDocument(
  document: DocumentNode,
  ceiling: number,
): ReadonlyMap<string | null, OperationCost> {
  const fragments = new Map<string, FragmentDefinitionNode>();
  const operations = new Map<string | null, OperationCost>();
  for (const d of document.definitions) {
    if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  }
  for (const d of document.definitions) {
    if (d.kind === Kind.OPERATION_DEFINITION) {
      operations.set(d.name?.value ?? null, costOfOperation(d, fragments, ceiling));
    }
  }
  return operations;
}

function costOfOperation(
  operation: OperationDefinitionNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  ceiling: number,
): OperationCost {
  // Work is bounded by the fields visited while expanding fragments, whatever the cost comes to.
  let visited = 0;
  const visit = () => {
    if (++visited > ceiling) throw new Ceiling();
  };
  const walk = { fragments, visit };
  let fixedPatients = 0;
  let fixedCost = 0;
  const patientVariables: { name: string; costPerPatient: number }[] = [];
  try {
    for (const { field, weight } of weighted(collectFields(operation.selectionSet, walk, new Set()))) {
      const perCall = weight * (1 + (field.selectionSet ? subtreeCost(field.selectionSet, walk) : 0));
      const patients = patientsOf(field);
      if (patients.kind === 'variable') {
        patientVariables.push({ name: patients.variable, costPerPatient: perCall });
      } else {
        fixedPatients += patients.count * weight;
        fixedCost += perCall * Math.max(1, patients.count);
      }
    }
    return { kind: operation.operation, fixedPatients, fixedCost, patientVariables, overCeiling: false };
  } catch (error) {
    if (!(error instanceof Ceiling)) throw error;
    return { kind: operation.operation, fixedPatients, fixedCost, patientVariables, overCeiling: true };
  }
}

interface Walk {
  readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>;
  readonly visit: () => void;
}

function subtreeCost(set: SelectionSetNode, walk: Walk): number {
  let cost = 0;
  for (const { field, weight } of weighted(collectFields(set, walk, new Set()))) {
    cost += weight * (1 + (field.selectionSet ? subtreeCost(field.selectionSet, walk) : 0));
  }
  return cost;
}

/** The fields of a selection set with fragments expanded (a spread already being expanded is skipped). */
function collectFields(set: SelectionSetNode, walk: Walk, expanding: Set<string>): FieldNode[] {
  const out: FieldNode[] = [];
  for (const s of set.selections) {
    if (s.kind === Kind.FIELD) {
      walk.visit();
      out.push(s);
    } else if (s.kind === Kind.INLINE_FRAGMENT) {
      out.push(...collectFields(s.selectionSet, walk, expanding));
    } else {
      const fragment = walk.fragments.get(s.name.value);
      if (!fragment || expanding.has(s.name.value)) continue; // validation reports unknown and cyclic spreads
      expanding.add(s.name.value);
      out.push(...collectFields(fragment.selectionSet, walk, expanding));
      expanding.delete(s.name.value);
    }
  }
  return out;
}

/** Each field with its weight: the k-th field with the same response key in the set weighs k. */
function* weighted(fields: readonly FieldNode[]): Generator<{ field: FieldNode; weight: number }> {
  const seen = new Map<string, number>();
  for (const field of fields) {
    const key = field.alias?.value ?? field.name.value;
    const weight = (seen.get(key) ?? 0) + 1;
    seen.set(key, weight);
    yield { field, weight };
  }
}

type Patients = { kind: 'fixed'; count: number } | { kind: 'variable'; variable: string };

/** How many patients a root field looks up: 0 for anything but the two lookups. */
function patientsOf(field: FieldNode): Patients {
  if (field.name.value === SINGLE_PATIENT) return { kind: 'fixed', count: 1 };
  if (field.name.value !== PATIENT_LIST) return { kind: 'fixed', count: 0 };
  const list: ValueNode | undefined = field.arguments?.find((a) => a.name.value === 'nhsNumbers')?.value;
  if (list?.kind === Kind.VARIABLE) return { kind: 'variable', variable: list.name.value };
  if (list?.kind === Kind.LIST) return { kind: 'fixed', count: list.values.length };
  // A single value is coerced to a one-item list; a missing argument fails validation.
  return { kind: 'fixed', count: list ? 1 : 0 };
}
