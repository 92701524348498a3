import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import { parseIsoDate, parseIsoDateTime } from '../lib/iso-time.js';

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;
const isDate = (value: string) => parseIsoDate(value) !== undefined;
const isDateTime = (value: string) => DATE_TIME.test(value) && parseIsoDateTime(value) !== undefined;

/**
 * A string scalar that only lets values `valid` accepts in or out (days that exist on the calendar, not
 * merely the right shape); a bad value is a bug, so it throws.
 */
function isoScalar(name: string, valid: (value: string) => boolean, description: string): GraphQLScalarType {
  const check = (value: unknown): string => {
    if (typeof value !== 'string' || !valid(value)) {
      throw new GraphQLError(`${name} must be ${description}, got ${JSON.stringify(value)}`);
    }
    return value;
  };
  return new GraphQLScalarType({
    name,
    description,
    serialize: check,
    parseValue: check,
    parseLiteral: (ast) => check(ast.kind === Kind.STRING ? ast.value : undefined),
  });
}

export const DateScalar = isoScalar('Date', isDate, 'an ISO 8601 calendar date (YYYY-MM-DD)');
export const DateTimeScalar = isoScalar('DateTime', isDateTime, 'an ISO 8601 UTC date-time');
