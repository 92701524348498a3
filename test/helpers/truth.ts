import { Supergraph } from '@apollo/federation-internals';
import { execute, GraphQLError, type DocumentNode, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { fieldMarkings, loadSupergraph, subgraphSdl } from '../../schema/index.js';
import { parseNhsNumber } from '../../schema/nhs-number.js';
import type { Population, SyntheticPatient } from '../../subgraphs/synthetic/index.js';

/** The clients' schema: the supergraph's API schema, as a clinical app sees it. */
export const apiSchema: GraphQLSchema = Supergraph.build(loadSupergraph()).apiSchema().toGraphQLJSSchema();

const fail = (code: string) => () => {
  throw new GraphQLError(code, { extensions: { code } });
};

/** The Patient fields each supplier's SDL adds, and those it marks @revealsLocation. */
function supplierFields(name: string): { fields: string[]; marked: Set<string> } {
  const markings = fieldMarkings(subgraphSdl(name));
  const fields = [...markings.returns.keys()]
    .filter((k) => k.startsWith('Patient.') && k !== 'Patient.nhsNumber')
    .map((k) => k.slice('Patient.'.length));
  return { fields, marked: new Set([...markings.marked].map((k) => k.slice('Patient.'.length))) };
}

/**
 * A patient as the whole federated record should show them, built straight from the synthetic data with
 * the gateway's rules (PDS restrictions, withheld location fields, "no record" from a supplier) and no
 * federation at all. Fields that should be an error are functions that throw, so graphql-js's default
 * resolver reports them.
 */
function truthOf(patient: SyntheticPatient): Record<string, unknown> {
  const d = patient.demographics;
  const restricted = d.securityLabel !== 'U';
  const veryRestricted = d.securityLabel === 'V';
  const withheld = fail('CONFIDENTIAL_WITHHELD');
  const out: Record<string, unknown> = {
    nhsNumber: d.nhsNumber,
    demographics: {
      givenName: veryRestricted ? withheld : d.givenName,
      familyName: veryRestricted ? withheld : d.familyName,
      gender: d.gender.toUpperCase(),
      birthDate: d.birthDate,
      deceasedDate: d.deceasedDate,
      address: restricted ? withheld : { lines: d.addressLines, postcode: d.postcode },
      telecom: restricted ? withheld : d.telecom,
      registeredPracticeOds: restricted ? withheld : d.registeredPracticeOds,
      securityLabel: { U: 'UNRESTRICTED', R: 'RESTRICTED', V: 'VERY_RESTRICTED' }[d.securityLabel],
    },
  };
  const records: Record<string, Record<string, unknown> | null> = {
    gp: patient.gp && { ...patient.gp, gpRecordWarnings: patient.gp.warnings },
    hospital: { ...patient.hospital },
  };
  for (const [supplier, record] of Object.entries(records)) {
    const { fields, marked } = supplierFields(supplier);
    for (const field of fields) {
      out[field] = !record
        ? fail('NO_RECORD_FOUND')
        : restricted && marked.has(field)
          ? withheld
          : record[field];
    }
  }
  return out;
}

/** Runs `document` against the truth: what the gateway must answer, data and error codes. */
export function truthFor(
  population: Population,
  document: DocumentNode,
  variables: Record<string, unknown>,
): ExecutionResult {
  const lookUp = (input: string): Record<string, unknown> | GraphQLError => {
    const parsed = parseNhsNumber(input);
    if (!parsed.ok) return new GraphQLError('invalid', { extensions: { code: 'INVALID_NHS_NUMBER' } });
    const found = population.byNhsNumber.get(parsed.nhsNumber);
    return found
      ? truthOf(found)
      : new GraphQLError('unknown', { extensions: { code: 'PATIENT_NOT_FOUND' } });
  };
  const rootValue = {
    patient: ({ nhsNumber }: { nhsNumber: string }) => {
      const result = lookUp(nhsNumber);
      if (result instanceof GraphQLError) throw result;
      return result;
    },
    patients: ({ nhsNumbers }: { nhsNumbers: string[] }) => nhsNumbers.map(lookUp),
  };
  return execute({ schema: apiSchema, document, rootValue, variableValues: variables }) as ExecutionResult;
}
