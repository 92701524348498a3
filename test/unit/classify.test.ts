import { describe, expect, it } from 'vitest';
import { readEntities, requireAnswered } from '../../gateway/suppliers/index.js';

const A = '9990000018';
const B = '9990000026';
const json = (body: unknown, status = 200) => ({ status, body: JSON.stringify(body) });
const failureOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return error as { reason: string; detail: string; partial?: Map<number, unknown> };
  }
  throw new Error('expected a failure');
};

describe('reading a supplier answer', () => {
  it('returns one answer per patient asked about', () => {
    const answers = readEntities(
      json({
        data: {
          _entities: [
            { __gatewayIdentity: A, x: 1 },
            { __gatewayIdentity: B, x: 2 },
          ],
        },
      }),
      [A, B],
    );
    expect(answers).toEqual([
      { kind: 'entity', entity: { __gatewayIdentity: A, x: 1 }, errors: [] },
      { kind: 'entity', entity: { __gatewayIdentity: B, x: 2 }, errors: [] },
    ]);
  });

  it('treats "no record for this patient" as an answer, not a failure', () => {
    const noRecord = {
      message: 'no record',
      path: ['_entities', 1],
      extensions: { code: 'NO_RECORD_FOUND' },
    };
    const answers = readEntities(
      json({ data: { _entities: [{ __gatewayIdentity: A }, null] }, errors: [noRecord] }),
      [A, B],
    );
    expect(answers[1]).toEqual({ kind: 'refused', errors: [noRecord] });
    expect(requireAnswered(answers)).toBe(answers);
  });

  it("gives each patient its own field errors, in the supplier's order, however they are interleaved", () => {
    const C = '9990000034';
    const error = (i: number, field: string) => ({
      message: `${field} partly unavailable`,
      path: ['_entities', i, field],
      extensions: { code: 'NO_RECORD_FOUND' },
    });
    const errors = [error(2, 'medications'), error(0, 'encounters'), error(2, 'encounters')];
    const entities = [A, B, C].map((n) => ({ __gatewayIdentity: n }));
    const answers = readEntities(json({ data: { _entities: entities }, errors }), [A, B, C]);
    expect(answers.map((a) => (a.kind === 'entity' ? a.errors : a.kind))).toEqual([
      [errors[1]],
      [],
      [errors[0], errors[2]],
    ]);
  });

  it.each([
    ['HTTP 500', { status: 500, body: '{"errors":[{"message":"boom"}]}' }, 'HTTP_STATUS'],
    ['HTTP 503 with no body', { status: 503, body: '' }, 'HTTP_STATUS'],
    ['HTTP 429', { status: 429, body: '' }, 'HTTP_STATUS'],
    [
      'a 400 for a query the supplier no longer understands',
      json({ errors: [{ message: 'Cannot query field' }] }, 400),
      'HTTP_STATUS',
    ],
    ['a body that is not JSON', { status: 200, body: '<html>502 Bad Gateway</html>' }, 'MALFORMED_RESPONSE'],
    ['a truncated body', { status: 200, body: '{"data":{"_entities":[{"nhs' }, 'MALFORMED_RESPONSE'],
    ['JSON that is not a GraphQL response', json([1, 2]), 'MALFORMED_RESPONSE'],
    [
      'the wrong number of entities',
      json({ data: { _entities: [{ __gatewayIdentity: A }] } }),
      'MALFORMED_RESPONSE',
    ],
    [
      '200 whose errors say the supplier failed',
      json({ data: null, errors: [{ message: 'db down', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] }),
      'SUPPLIER_ERROR',
    ],
    [
      '200 with an error without a code',
      json({ data: null, errors: [{ message: 'oops' }] }),
      'SUPPLIER_ERROR',
    ],
  ])('fails the whole answer on %s', (_, response, reason) => {
    expect(failureOf(() => readEntities(response, [A, B])).reason).toBe(reason);
  });

  it("refuses an answer that carries another patient's record, showing none of it", () => {
    const swapped = json({ data: { _entities: [{ __gatewayIdentity: A }, { __gatewayIdentity: A }] } });
    const failure = failureOf(() => readEntities(swapped, [A, B]));
    expect(failure.reason).toBe('IDENTITY_MISMATCH');
    expect(failure.partial).toBeUndefined();
  });

  it('keeps the patients answered when the supplier failed for one of them', () => {
    const error = {
      message: 'timeout reading record',
      path: ['_entities', 0, 'medications'],
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    };
    const answers = readEntities(
      json({
        data: { _entities: [{ __gatewayIdentity: A, medications: null }, { __gatewayIdentity: B }] },
        errors: [error],
      }),
      [A, B],
    );
    expect(answers[0]).toEqual({ kind: 'failed', detail: 'INTERNAL_SERVER_ERROR' });
    const failure = failureOf(() => requireAnswered(answers));
    expect(failure.reason).toBe('SUPPLIER_ERROR');
    expect([...failure.partial!.keys()]).toEqual([1]);
  });

  it('treats a missing entity with no reason given as a failure, never as an empty live answer', () => {
    const answers = readEntities(json({ data: { _entities: [{ __gatewayIdentity: A }, null] } }), [A, B]);
    expect(answers[1]).toEqual({ kind: 'failed', detail: 'entity missing without an error' });
  });

  it('applies a request-level refusal to every patient in the request', () => {
    const denied = { message: 'organisation has no relationship', extensions: { code: 'NO_RELATIONSHIP' } };
    const answers = readEntities(
      json({ data: { _entities: [{ __gatewayIdentity: A }, null] }, errors: [denied] }),
      [A, B],
    );
    expect(answers).toEqual([
      { kind: 'entity', entity: { __gatewayIdentity: A }, errors: [denied] },
      { kind: 'refused', errors: [denied] },
    ]);
  });

  it('passes a 4xx through as an answer when every error is about the user or patient', () => {
    const denied = { message: 'no legitimate relationship', extensions: { code: 'NO_RELATIONSHIP' } };
    expect(readEntities(json({ errors: [denied] }, 403), [A])).toEqual([
      { kind: 'refused', errors: [denied] },
    ]);
  });
});
