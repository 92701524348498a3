import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

/** A string scalar that only lets values matching `pattern` in or out; a bad value is a bug, so it throws. */
function isoScalar(name: string, pattern: RegExp, description: string): GraphQLScalarType {
  const check = (value: unknown): string => {
    if (typeof value !== 'string' || !pattern.test(value) || Number.isNaN(Date.parse(value))) {
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

export const DateScalar = isoScalar('Date', DATE, 'an ISO 8601 calendar date (YYYY-MM-DD)');
export const DateTimeScalar = isoScalar('DateTime', DATE_TIME, 'an ISO 8601 UTC date-time');
