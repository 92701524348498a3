import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { formatErrors } from '../../gateway/execution/index.js';

const asIs = (formatted: Parameters<Parameters<typeof formatErrors>[1]>[0]) => formatted;

describe('errors in the form Apollo Server gives them (the prepared path)', () => {
  it('gives an error without a code INTERNAL_SERVER_ERROR and keeps a code it has', () => {
    const { errors, status } = formatErrors(
      [new GraphQLError('no such patient', { extensions: { code: 'PATIENT_NOT_FOUND' } }), new Error('boom')],
      asIs,
    );
    expect(errors).toEqual([
      { message: 'no such patient', extensions: { code: 'PATIENT_NOT_FOUND' } },
      { message: 'boom', extensions: { code: 'INTERNAL_SERVER_ERROR' } },
    ]);
    expect(status).toBeUndefined();
  });

  it('turns a thrown value that is not an Error into one, as Apollo Server does', () => {
    expect(formatErrors(['oops'], asIs).errors).toEqual([
      { message: 'Unexpected error value: oops', extensions: { code: 'INTERNAL_SERVER_ERROR' } },
    ]);
  });

  it("moves an error's extensions.http to the response head and out of the error", () => {
    const http = { status: 503, headers: new Map([['retry-after', '5']]) };
    const formatted = formatErrors([new GraphQLError('later', { extensions: { code: 'X', http } })], asIs);
    expect(formatted.status).toBe(503);
    expect(formatted.headers.get('retry-after')).toBe('5');
    expect(formatted.errors).toEqual([{ message: 'later', extensions: { code: 'X' } }]);
  });

  it('passes the original error to the formatter, and survives a formatter that throws', () => {
    const original = new Error('secret detail');
    const seen: unknown[] = [];
    const masked = formatErrors([original], (formatted, error) => {
      seen.push(error);
      return { message: 'masked', extensions: formatted.extensions };
    });
    expect(seen).toEqual([original]);
    expect(masked.errors[0]!.message).toBe('masked');
    const failing = formatErrors([original], () => {
      throw new Error('formatter broke');
    });
    expect(failing.errors).toEqual([
      { message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } },
    ]);
  });
});
