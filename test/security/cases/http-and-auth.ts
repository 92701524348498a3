import { SignJWT, type JWTPayload } from 'jose';
import { expect } from 'vitest';
import { fixtures } from '../../helpers/scenario.js';
import { clinical, query, row, type Row } from '../requests.js';
import { tokenFor } from '../stack.js';

const N = fixtures.sample;
const RECORD = `{ patient(nhsNumber: "${N}") { nhsNumber medications { id } } }`;
const body = JSON.stringify({ query: RECORD });
const bearer = (token: Promise<string>) => token.then((t) => `Bearer ${t}`);
const withToken = (token: Promise<string>) => async (stack: Parameters<ReturnType<typeof query>>[0]) =>
  query(RECORD, undefined, { authorization: await bearer(token) })(stack);
const unsigned = (claims: JWTPayload) =>
  `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`;
const now = () => Math.floor(Date.now() / 1000);

/** Methods, content types, framing, sizes and paths on the clinical port. */
export const HTTP: readonly Row[] = [
  row(
    'GET with an NHS number in the URL',
    clinical({ method: 'GET', path: `/graphql?query=${encodeURIComponent(RECORD)}` }),
    405,
    'METHOD_NOT_ALLOWED',
    {
      check: (a) => void expect(a.headers.allow).toBe('POST'),
    },
  ),
  row(
    'GET with the CSRF preflight header',
    clinical({
      method: 'GET',
      path: `/graphql?query=${encodeURIComponent(RECORD)}`,
      headers: { 'apollo-require-preflight': 'true' },
    }),
    405,
    'METHOD_NOT_ALLOWED',
  ),
  row('PUT', clinical({ method: 'PUT', body }), 405, 'METHOD_NOT_ALLOWED'),
  row('DELETE', clinical({ method: 'DELETE' }), 405, 'METHOD_NOT_ALLOWED'),
  row('OPTIONS', clinical({ method: 'OPTIONS' }), 405, 'METHOD_NOT_ALLOWED'),
  row(
    'a text/plain body (a cross-site form post)',
    clinical({ body, headers: { 'content-type': 'text/plain' } }),
    415,
    'UNSUPPORTED_MEDIA_TYPE',
  ),
  row(
    'a urlencoded form',
    clinical({
      body: `query=${encodeURIComponent(RECORD)}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    }),
    415,
    'UNSUPPORTED_MEDIA_TYPE',
  ),
  row(
    'a multipart form',
    clinical({ body: '--x\r\n\r\n--x--', headers: { 'content-type': 'multipart/form-data; boundary=x' } }),
    415,
    'UNSUPPORTED_MEDIA_TYPE',
  ),
  row('no content type', clinical({ body, headers: { 'content-type': '' } }), 415, 'UNSUPPORTED_MEDIA_TYPE'),
  row(
    'a content type that only starts like JSON',
    clinical({ body, headers: { 'content-type': 'application/jsonp' } }),
    415,
    'UNSUPPORTED_MEDIA_TYPE',
  ),
  row('a body that is not JSON', clinical({ body: '{"query": ' }), 400, 'BAD_REQUEST'),
  row(
    'a batch of operations',
    clinical({ body: JSON.stringify([{ query: RECORD }, { query: RECORD }]) }),
    400,
    'BAD_REQUEST',
  ),
  row('a JSON string body', clinical({ body: JSON.stringify(RECORD) }), 400, 'BAD_REQUEST'),
  row('an object without a query', clinical({ body: '{}' }), 400, 'BAD_REQUEST'),
  row('a query that is not a string', clinical({ body: '{"query": 42}' }), 400, 'BAD_REQUEST'),
  row(
    'variables that are not an object',
    clinical({ body: JSON.stringify({ query: RECORD, variables: 'x' }) }),
    400,
    'BAD_REQUEST',
  ),
  row(
    'an operationName that is not a string',
    clinical({ body: JSON.stringify({ query: RECORD, operationName: 7 }) }),
    400,
    'BAD_REQUEST',
  ),
  row(
    'a declared body over the limit',
    clinical({ body: JSON.stringify({ query: RECORD, pad: 'x'.repeat(70_000) }) }),
    413,
    'PAYLOAD_TOO_LARGE',
  ),
  row(
    'a chunked body over the limit',
    clinical({ body: Array.from({ length: 64 }, () => 'x'.repeat(16_384)) }),
    413,
    'PAYLOAD_TOO_LARGE',
    {
      check: (a) => void expect(a.text).toContain('request body over 65536 bytes'),
    },
  ),
  row('a path outside /graphql', clinical({ path: '/admin', body }), 404, 'NOT_FOUND'),
  row('a traversal from /graphql', clinical({ path: '/graphql/../../etc/passwd', body }), 404, 'NOT_FOUND'),
  row('an encoded traversal', clinical({ path: '/%2e%2e/%2e%2e/etc/passwd', body }), 404, 'NOT_FOUND'),
  row(
    'headers larger than the server accepts',
    clinical({ body, headers: { 'x-pad': 'x'.repeat(20_000) } }),
    431,
    undefined,
  ),
  row(
    'a request id carrying a header injection',
    query(RECORD, undefined, { headers: { 'x-request-id': 'abc\tdef' } }),
    200,
    undefined,
    {
      patientData: true,
      check: (a) => void expect(a.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/),
    },
  ),
];

/** Clinician authentication in production: every forgery is 401 and nothing is looked up. */
export const AUTH: readonly Row[] = [
  row('no Authorization header', query(RECORD, undefined, { authorization: null }), 401, 'UNAUTHENTICATED', {
    check: (a) => void expect(a.headers['www-authenticate']).toBe('Bearer'),
  }),
  row(
    'a bearer token that is not a JWT',
    query(RECORD, undefined, { authorization: 'Bearer not-a-jwt' }),
    401,
    'UNAUTHENTICATED',
  ),
  row(
    'Basic credentials',
    query(RECORD, undefined, { authorization: 'Basic ZHI6cGFzcw==' }),
    401,
    'UNAUTHENTICATED',
  ),
  row(
    'a JWT with alg none',
    query(RECORD, undefined, {
      authorization: `Bearer ${unsigned({ sub: 'x', role: 'R8000', org: 'A', iss: 'https://identity.security.test', aud: 'patient-record-gateway', exp: now() + 600 })}`,
    }),
    401,
    'UNAUTHENTICATED',
  ),
  row(
    'a JWT signed with another secret',
    withToken(tokenFor(undefined, { secret: 'another-secret-of-sufficient-length-0123' })),
    401,
    'UNAUTHENTICATED',
  ),
  row('an expired JWT', withToken(tokenFor(undefined, { expires: now() - 600 })), 401, 'UNAUTHENTICATED'),
  row(
    'a JWT for another audience',
    withToken(tokenFor(undefined, { audience: 'another-service' })),
    401,
    'UNAUTHENTICATED',
  ),
  row(
    'a JWT from another issuer',
    withToken(tokenFor(undefined, { issuer: 'https://evil.example' })),
    401,
    'UNAUTHENTICATED',
  ),
  row('a JWT without the org claim', withToken(tokenFor({ role: 'R8000' })), 401, 'UNAUTHENTICATED'),
  row(
    'a JWT whose role carries a control character',
    withToken(tokenFor({ role: 'R8000\r\nx-injected: 1', org: 'A81001' })),
    401,
    'UNAUTHENTICATED',
  ),
  row(
    'a JWT signed HS512 with the right secret',
    withToken(
      new SignJWT({ role: 'R8000', org: 'A81001' })
        .setProtectedHeader({ alg: 'HS512' })
        .setSubject('dr')
        .setIssuer('https://identity.security.test')
        .setAudience('patient-record-gateway')
        .setExpirationTime('10m')
        .sign(new TextEncoder().encode('security-suite-jwt-secret-0123456789abcdef')),
    ),
    401,
    'UNAUTHENTICATED',
  ),
  row(
    'development identity headers in production',
    query(RECORD, undefined, {
      authorization: null,
      headers: { 'x-dev-user': 'admin', 'x-dev-role': 'R8000', 'x-dev-org': 'X' },
    }),
    401,
    'UNAUTHENTICATED',
  ),
];
