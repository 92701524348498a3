import { Supergraph } from '@apollo/federation-internals';
import { execute, GraphQLError, type DocumentNode, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { fieldMarkings, loadSupergraph, subgraphSdl } from '../../schema/index.js';
import { parseNhsNumber } from '../../schema/nhs-number.js';
import { PRACTICES, type Population, type SyntheticPatient } from '../../subgraphs/synthetic/index.js';

/** The clients' schema: the supergraph's API schema, as a clinical app sees it. */
export const apiSchema: GraphQLSchema = Supergraph.build(loadSupergraph()).apiSchema().toGraphQLJSSchema();

const fail = (code: string) => () => {
  throw new GraphQLError(code, { extensions: { code } });
};

/** The Patient fields each domain's SDL adds, and those it marks @revealsLocation. */
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
  // A restricted patient's items never say which trust holds them (Organisation fields are @revealsLocation).
  const held = patient.hospital.map((r) => {
    if (!restricted) return r;
    const hide = <T extends object>(items: readonly T[]) =>
      items.map((item) => ({ ...item, source: withheld }));
    return {
      ...r,
      encounters: hide(r.encounters),
      dischargeSummaries: hide(r.dischargeSummaries),
      labResults: hide(r.labResults),
      procedures: hide(r.procedures),
      outpatientAppointments: hide(r.outpatientAppointments),
    };
  });
  const served = PRACTICES.some((p) => p.odsCode === d.registeredPracticeOds);
  const records: Record<string, Record<string, unknown> | string> = {
    gp: !served
      ? 'ORGANISATION_NOT_SERVED'
      : patient.gp
        ? { ...patient.gp, gpRecordWarnings: patient.gp.warnings }
        : 'NO_RECORD_FOUND',
    // Every trust's items, in the locator's order; one trust only when a single trust holds the record.
    hospital: {
      trust: held.length === 1 ? held[0]!.trust : null,
      encounters: held.flatMap((r) => r.encounters),
      dischargeSummaries: held.flatMap((r) => r.dischargeSummaries),
      labResults: held.flatMap((r) => r.labResults),
      procedures: held.flatMap((r) => r.procedures),
      outpatientAppointments: held.flatMap((r) => r.outpatientAppointments),
    },
  };
  for (const [domain, record] of Object.entries(records)) {
    const { fields, marked } = supplierFields(domain);
    for (const field of fields) {
      if (typeof record === 'string') out[field] = fail(record);
      else out[field] = restricted && marked.has(field) && record[field] ? withheld : record[field];
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
