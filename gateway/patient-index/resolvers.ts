import { GraphQLError } from 'graphql';
import { parseNhsNumber } from '../../schema/nhs-number.js';
import type { Confidentiality, GatewayContext } from '../context.js';
import { gatewayError } from '../errors/index.js';
import type { Demographics, IndexedPatient as Indexed, PatientSource } from './demographics.js';

const CONFIDENTIALITY: Record<Demographics['securityLabel'], Confidentiality> = {
  U: 'UNRESTRICTED',
  R: 'RESTRICTED',
  V: 'VERY_RESTRICTED',
};

interface IndexedPatient extends Indexed {
  readonly nhsNumber: string;
}

/** A field PDS withholds: null in the answer, with an error at its own path saying why. */
const withheld = (field: string) =>
  gatewayError(
    'CONFIDENTIAL_WITHHELD',
    `withheld: this patient's PDS record is restricted, so ${field} is not shown`,
    { fields: [field] },
  );

/**
 * PDS rules: R withholds address, telecom and GP; V withholds names as well. A withheld field resolves to
 * an error (graphql-js answers null and reports it), so it is never silently missing.
 */
function shownDemographics(d: Demographics) {
  const restricted = d.securityLabel !== 'U';
  const veryRestricted = d.securityLabel === 'V';
  return {
    givenName: veryRestricted ? withheld('givenName') : d.givenName,
    familyName: veryRestricted ? withheld('familyName') : d.familyName,
    gender: d.gender.toUpperCase(),
    birthDate: d.birthDate,
    deceasedDate: d.deceasedDate,
    address: restricted ? withheld('address') : { lines: d.addressLines, postcode: d.postcode },
    telecom: restricted ? withheld('telecom') : d.telecom,
    registeredPracticeOds: restricted ? withheld('registeredPracticeOds') : d.registeredPracticeOds,
    securityLabel: CONFIDENTIALITY[d.securityLabel],
  };
}

export interface IndexResolverOptions {
  readonly source: PatientSource;
}

/**
 * How many patients one request may look up is decided before execution, over the whole request
 * (gateway/limits), so these resolvers look up whatever they are asked.
 */
export function indexResolvers({ source }: IndexResolverOptions) {
  /**
   * Resolves each input to a patient or to the error that explains why not (invalid number, not found),
   * with one batched lookup. Every lookup is recorded in the request context for the audit trail, and each
   * found patient's route (confidentiality, where their records are held) for the record domains.
   */
  const lookUp = async (
    inputs: readonly string[],
    context: GatewayContext,
  ): Promise<(IndexedPatient | GraphQLError)[]> => {
    const parsed = inputs.map((input) => parseNhsNumber(input));
    const valid = parsed.flatMap((p) => (p.ok ? [p.nhsNumber] : []));
    const found = valid.length > 0 ? await source.lookup(valid) : new Map<string, Indexed>();
    return inputs.map((input, i) => {
      const p = parsed[i]!;
      if (!p.ok) {
        context.lookups.push({ nhsNumber: input.slice(0, 32), outcome: 'invalid_nhs_number' });
        return gatewayError('INVALID_NHS_NUMBER', `"${input.slice(0, 32)}" is not a valid NHS number`, {
          problem: p.problem,
        });
      }
      const patient = found.get(p.nhsNumber);
      if (!patient) {
        context.lookups.push({ nhsNumber: p.nhsNumber, outcome: 'not_found' });
        return gatewayError('PATIENT_NOT_FOUND', 'no patient has this NHS number');
      }
      context.patients.set(p.nhsNumber, {
        confidentiality: CONFIDENTIALITY[patient.demographics.securityLabel],
        locations: patient.locations,
      });
      context.lookups.push({ nhsNumber: p.nhsNumber, outcome: 'found' });
      return { nhsNumber: p.nhsNumber, ...patient };
    });
  };
  const one = async (input: string, context: GatewayContext): Promise<IndexedPatient> => {
    const [result] = await lookUp([input], context);
    if (result instanceof GraphQLError) throw result;
    return result!;
  };
  return {
    Query: {
      patient: (_: unknown, args: { nhsNumber: string }, context: GatewayContext) =>
        one(args.nhsNumber, context),
      // Each entry fails on its own (an error in the list): one bad number must not hide the others.
      patients: (_: unknown, args: { nhsNumbers: readonly string[] }, context: GatewayContext) =>
        lookUp(args.nhsNumbers, context),
    },
    Patient: {
      __resolveReference: (reference: { nhsNumber: string }, context: GatewayContext) =>
        one(reference.nhsNumber, context),
      demographics: (patient: IndexedPatient) => shownDemographics(patient.demographics),
    },
  };
}
