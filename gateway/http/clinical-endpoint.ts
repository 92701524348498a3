import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  HeaderMap,
  type ApolloServer,
  type HTTPGraphQLRequest,
  type HTTPGraphQLResponse,
} from '@apollo/server';
import type { Clock } from '../../lib/clock.js';
import { BodyTooLarge, discardRestOf, readBody } from '../../lib/http-body.js';
import type { Logger } from '../../lib/logger.js';
import type { AccessDenied, AuditSink } from '../audit/index.js';
import type { Authenticator, ClinicianIdentity } from '../auth/index.js';
import type { GatewayContext } from '../context.js';
import { ErrorCode, requestErrorBody, type ErrorCodeName } from '../errors/index.js';
import type { RequestBudget } from '../limits/index.js';
import { graphqlRequestOf, RejectedRequest } from './request.js';
import { traceClinicalRequest } from './tracing.js';

export interface ClinicalEndpointOptions {
  readonly host: string;
  readonly port: number;
  readonly maxRequestBytes: number;
  readonly logger: Logger;
  /** Who is asking; a request without a valid identity is refused (401) before anything is looked up. */
  readonly authenticate: Authenticator;
  /** What a request may ask for (patients, cost, operation kind), decided before Apollo parses it. */
  readonly budget: RequestBudget;
  /** Receives a record of every refused request. */
  readonly audit: AuditSink;
  readonly clock: Clock;
  /** Builds the per-request context once the request is accepted. */
  readonly context: (requestId: string, identity: ClinicianIdentity) => GatewayContext;
  /** Answers operations seen before without Apollo Server's pipeline, or declines (gateway/execution/). */
  readonly prepared?: {
    serve(request: HTTPGraphQLRequest, context: GatewayContext): Promise<HTTPGraphQLResponse | undefined>;
  };
  /** OTEL_TRACES=on: each request runs in its `clinical.request` span. Off, no tracing work is done per request. */
  readonly tracing: boolean;
  /** Told which path answered each GraphQL request. */
  readonly answeredBy?: (path: 'prepared' | 'apollo') => void;
}

export interface RunningEndpoint {
  readonly url: string;
  readonly port: number;
  readonly server: Server;
  /** Closes now, cutting any request in flight. */
  close(): Promise<void>;
  /**
   * Stops taking connections, lets every request in flight finish (answers from now on carry
   * `connection: close`, so keep-alive clients reconnect elsewhere), and resolves once none is left, or
   * after `deadlineMs`, cutting those still running. Resolves with how many were cut.
   */
  drain(deadlineMs: number): Promise<number>;
  /**
   * The drain is coming (the grace period has begun): every answer from now on, including those of
   * requests already running, carries `connection: close`, and idle keep-alive connections are closed.
   */
  drainSoon(): void;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;
const JSON_TYPE = /^application\/(graphql-response\+)?json\s*(;|$)/i;

async function readJson(req: IncomingMessage, limit: number): Promise<unknown> {
  let text: string;
  try {
    text = await readBody(req, limit);
  } catch (error) {
    if (error instanceof BodyTooLarge) throw new RejectedRequest('PAYLOAD_TOO_LARGE', error.message);
    throw error;
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new RejectedRequest('BAD_REQUEST', 'request body is not valid JSON');
  }
}

function refuseUnlessAuditing(audit: AuditSink): void {
  if (!audit.healthy)
    throw new RejectedRequest('AUDIT_UNAVAILABLE', 'this replica cannot write its audit trail');
  if (audit.behind) {
    throw new RejectedRequest('AUDIT_UNAVAILABLE', 'the audit trail is catching up; retry shortly', {
      'retry-after': '1',
    });
  }
}

function reject(res: ServerResponse, error: RejectedRequest, requestId: string): void {
  const body = requestErrorBody(error.code, error.message);
  // The rest of an oversized body is dropped as it arrives; a client that keeps sending is cut off.
  if (error.code === 'PAYLOAD_TOO_LARGE') discardRestOf(res.req);
  res.writeHead(ErrorCode[error.code].status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'x-request-id': requestId,
    'cache-control': 'no-store',
    ...(error.code === 'UNAUTHENTICATED' ? { 'www-authenticate': 'Bearer' } : {}),
    ...error.headers,
  });
  res.end(body);
}

/**
 * The clinicians' GraphQL endpoint: POST /graphql with a JSON body, nothing else. In order: the path, the
 * clinician's identity, the method (POST only: NHS numbers must never travel in URLs, where proxies and
 * access logs keep them), the content type, the body size, the body's shape, and the request budget; only
 * then does Apollo Server parse, validate and run the query, with GraphQL-over-HTTP status codes.
 */
export async function startClinicalEndpoint(
  server: ApolloServer<GatewayContext>,
  options: ClinicalEndpointOptions,
): Promise<RunningEndpoint> {
  const handle = async (req: IncomingMessage, res: ServerResponse, requestId: string) => {
    const [path, search = ''] = (req.url ?? '/').split('?', 2) as [string, string?];
    if (path !== '/graphql') throw new RejectedRequest('NOT_FOUND', `no route ${path}; query /graphql`);
    const auth = await options.authenticate(req.headers);
    if (!auth.ok) {
      const denied: AccessDenied = {
        type: 'access-denied',
        at: new Date(options.clock.now()).toISOString(),
        requestId,
        reason: 'UNAUTHENTICATED',
        remoteAddress: req.socket.remoteAddress ?? null,
      };
      options.audit.write(denied);
      throw new RejectedRequest('UNAUTHENTICATED', auth.message);
    }
    // Before anything is read or looked up: an access that cannot be audited promptly is not served.
    refuseUnlessAuditing(options.audit);
    if (req.method !== 'POST') {
      throw new RejectedRequest(
        'METHOD_NOT_ALLOWED',
        'patient data is served over POST only, so NHS numbers never appear in URLs',
        { allow: 'POST' },
      );
    }
    if (!JSON_TYPE.test(req.headers['content-type'] ?? '')) {
      throw new RejectedRequest(
        'UNSUPPORTED_MEDIA_TYPE',
        'send the request as JSON (content-type: application/json)',
      );
    }
    const body = await readJson(req, options.maxRequestBytes);
    const verdict = options.budget.check(graphqlRequestOf(body));
    if (!verdict.ok) throw new RejectedRequest(verdict.code, verdict.message);
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    const httpGraphQLRequest = { method: 'POST', headers, search: search ? `?${search}` : '', body };
    const context = options.context(requestId, auth.identity);
    let response = await options.prepared?.serve(httpGraphQLRequest, context);
    options.answeredBy?.(response ? 'prepared' : 'apollo');
    response ??= await server.executeHTTPGraphQLRequest({ httpGraphQLRequest, context: async () => context });
    // A write that failed while this request ran: its records may be lost, so its answer is withheld too.
    if (!options.audit.healthy) refuseUnlessAuditing(options.audit);
    for (const [key, value] of response.headers) res.setHeader(key, value);
    res.setHeader('x-request-id', requestId);
    // Patient data: no browser or proxy may keep a copy (the gateway's own cache is governed; theirs are not).
    res.setHeader('cache-control', 'no-store');
    res.statusCode = response.status ?? 200;
    if (response.body.kind === 'complete') {
      res.end(response.body.string);
      return;
    }
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  };

  const open = new Set<ServerResponse>();
  let closing = false;
  let drained: (() => void) | undefined;
  const http = createServer((req, res) => {
    open.add(res);
    res.once('close', () => {
      open.delete(res);
      if (open.size === 0) drained?.();
    });
    if (closing) res.setHeader('connection', 'close');
    const given = req.headers['x-request-id'];
    const requestId = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    const run = () => handle(req, res, requestId);
    (options.tracing ? traceClinicalRequest(req, res, requestId, run) : run()).catch((error: unknown) => {
      if (res.headersSent) return void res.destroy();
      if (error instanceof RejectedRequest) {
        // What was refused and from where, for anyone watching for probing; never the body or headers.
        options.logger.info(
          { requestId, code: error.code, remoteAddress: req.socket.remoteAddress },
          'clinical request refused',
        );
        return reject(res, error, requestId);
      }
      options.logger.error({ err: error, requestId }, 'unhandled error on the clinical endpoint');
      const code: ErrorCodeName = 'INTERNAL_SERVER_ERROR';
      reject(
        res,
        new RejectedRequest(code, 'internal error; quote the x-request-id header when reporting it'),
        requestId,
      );
    });
  });
  http.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, rejectListen) => {
    http.once('error', rejectListen);
    http.listen(options.port, options.host, () => resolve());
  });
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://${options.host}:${port}/graphql`,
    port,
    server: http,
    close: () =>
      new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeAllConnections();
      }),
    drainSoon: () => {
      closing = true;
      for (const res of open) if (!res.headersSent) res.setHeader('connection', 'close');
      http.closeIdleConnections();
    },
    drain: async (deadlineMs) => {
      closing = true;
      http.close();
      http.closeIdleConnections();
      if (open.size > 0) {
        let timer: unknown;
        await new Promise<void>((resolve) => {
          drained = resolve;
          timer = options.clock.setTimeout(resolve, deadlineMs);
        });
        options.clock.clearTimeout(timer);
      }
      const cut = open.size;
      http.closeAllConnections();
      return cut;
    },
  };
}
