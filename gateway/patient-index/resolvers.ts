import { parseNhsNumber } from '../../schema/nhs-number.js';
import type { Confidentiality, GatewayContext } from '../context.js';
import { gatewayError } from '../errors/index.js';
import type { Demographics, DemographicsSource } from './demographics.js';

const CONFIDENTIALITY: Record<Demographics['securityLabel'], Confidentiality> = {
  U: 'UNRESTRICTED',
  R: 'RESTRICTED',
  V: 'VERY_RESTRICTED',
};

interface IndexedPatient {
  readonly nhsNumber: string;
  readonly demographics: Demographics;
}

function validNumber(input: string): string {
  const parsed = parseNhsNumber(input);
  if (!parsed.ok) {
    throw gatewayError('INVALID_NHS_NUMBER', `"${input}" is not a valid NHS number`, {
      problem: parsed.problem,
    });
  }
  return parsed.nhsNumber;
}

/** PDS rules: R withholds address, telecom and GP; V withholds names as well. */
function shownDemographics(d: Demographics) {
  const restricted = d.securityLabel !== 'U';
  const veryRestricted = d.securityLabel === 'V';
  return {
    givenName: veryRestricted ? null : d.givenName,
    familyName: veryRestricted ? null : d.familyName,
    gender: d.gender.toUpperCase(),
    birthDate: d.birthDate,
    deceasedDate: d.deceasedDate,
    address: restricted ? null : { lines: d.addressLines, postcode: d.postcode },
    telecom: restricted ? null : d.telecom,
    registeredPracticeOds: restricted ? null : d.registeredPracticeOds,
    securityLabel: CONFIDENTIALITY[d.securityLabel],
  };
}

export interface IndexResolverOptions {
  readonly source: DemographicsSource;
  readonly maxPatientsPerQuery: number;
}

export function indexResolvers({ source, maxPatientsPerQuery }: IndexResolverOptions) {
  /** Looks patients up, recording each one's confidentiality in the request context for the cache policy. */
  const find = async (numbers: readonly string[], context: GatewayContext) => {
    const found = await source.lookup(numbers);
    for (const [n, d] of found) context.patients.set(n, CONFIDENTIALITY[d.securityLabel]);
    return found;
  };
  const indexed = (nhsNumber: string, demographics: Demographics | undefined): IndexedPatient => {
    if (!demographics) throw gatewayError('PATIENT_NOT_FOUND', 'no patient has this NHS number');
    return { nhsNumber, demographics };
  };
  return {
    Query: {
      patient: async (_: unknown, args: { nhsNumber: string }, context: GatewayContext) => {
        const nhsNumber = validNumber(args.nhsNumber);
        return indexed(nhsNumber, (await find([nhsNumber], context)).get(nhsNumber));
      },
      patients: async (_: unknown, args: { nhsNumbers: readonly string[] }, context: GatewayContext) => {
        if (args.nhsNumbers.length > maxPatientsPerQuery) {
          throw gatewayError(
            'INVALID_PARAMETER',
            `at most ${maxPatientsPerQuery} NHS numbers per request, got ${args.nhsNumbers.length}`,
          );
        }
        const parsed = args.nhsNumbers.map((n) => parseNhsNumber(n));
        const valid = parsed.flatMap((p) => (p.ok ? [p.nhsNumber] : []));
        const found = await find(valid, context);
        // Each entry fails on its own: one bad number must not hide the other patients.
        return args.nhsNumbers.map((input) => {
          try {
            const n = validNumber(input);
            return indexed(n, found.get(n));
          } catch (error) {
            return error;
          }
        });
      },
    },
    Patient: {
      __resolveReference: async (reference: { nhsNumber: string }, context: GatewayContext) => {
        const nhsNumber = validNumber(reference.nhsNumber);
        return indexed(nhsNumber, (await find([nhsNumber], context)).get(nhsNumber));
      },
      demographics: (patient: IndexedPatient) => shownDemographics(patient.demographics),
    },
  };
}
