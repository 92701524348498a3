import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { execute, parse, validate, type DocumentNode, type GraphQLError, type GraphQLSchema } from 'graphql';
import { LRUCache } from 'lru-cache';
import type { Logger } from 'pino';
import { BodyTooLarge, discardRestOf, readBody } from '../../lib/http-body.js';
import type { AssertionVerifier, Caller } from './assertion.js';
import { effectiveMode, NO_FAULT, parseFaultSettings, type FaultSettings } from './faults.js';

const MAX_BODY_BYTES = 1_048_576;

/** Counters an operator or a test reads from GET /__stats. */
export interface SubgraphStats {
  requests: number;
  /** Requests held open right now by the `hang` fault (drops as callers give up and close them). */
  hanging: number;
  backendLookups: number;
  recordsLooked: number;
  /** Records looked up per organisation (practice or trust), and when last: a migration test counts these. */
  byOrganisation: Record<string, { lookups: number; lastAt: string }>;
  /** Requests refused for a missing or invalid gateway assertion. */
  refused: number;
  /** The clinician on the last verified request (from the gateway's assertion), so tests can see it arrive. */
  lastCaller?: Caller;
  /** GraphQL requests that carried a W3C `traceparent` (the gateway's tracing is on), and the last one. */
  traced: number;
  lastTraceparent?: string;
}

/** Fresh counters: every server starts from these (a new counter is added here once). */
export function emptyStats(): SubgraphStats {
  return {
    requests: 0,
    refused: 0,
    traced: 0,
    hanging: 0,
    backendLookups: 0,
    recordsLooked: 0,
    byOrganisation: {},
  };
}

export interface SubgraphServerOptions<TContext> {
  readonly name: string;
  readonly schema: GraphQLSchema;
  readonly host: string;
  readonly port: number;
  /** Exposes PUT/GET /__faults and GET /__stats. Never on in production. */
  readonly faultsEnabled: boolean;
  /** Checks the gateway's signed assertion on every GraphQL request; undefined: not checked (development). */
  readonly verify: AssertionVerifier | undefined;
  readonly logger: Logger;
  readonly stats: SubgraphStats;
  /** Called once per GraphQL request; per-request DataLoaders live in what it returns. */
  createContext(faults: FaultSettings): TContext;
}

export interface RunningSubgraph {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

type Parsed = { document: DocumentNode } | { errors: readonly GraphQLError[] };

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

async function readText(req: IncomingMessage): Promise<string> {
  try {
    return await readBody(req, MAX_BODY_BYTES);
  } catch (error) {
    if (error instanceof BodyTooLarge) throw new HttpError(413, error.message);
    throw error;
  }
}

function send(res: ServerResponse, status: number, body: string, type = 'application/json'): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/**
 * A correct answer followed by whitespace up to `bytes` (still valid JSON), chunked with no length, so only
 * a reader that counts as it streams can refuse it. Stops writing when the reader goes away.
 */
async function sendPadded(res: ServerResponse, body: string, bytes: number): Promise<void> {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.write(body);
  const chunk = Buffer.alloc(65_536, 0x20);
  for (let sent = Buffer.byteLength(body); sent < bytes && !res.destroyed; sent += chunk.length) {
    if (!res.write(chunk)) await new Promise((resolve) => res.once('drain', resolve).once('close', resolve));
  }
  res.end();
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function startSubgraphServer<TContext>(
  options: SubgraphServerOptions<TContext>,
): Promise<RunningSubgraph> {
  const { schema, stats, logger } = options;
  const documents = new LRUCache<string, Parsed>({ max: 1000 });
  let faults = NO_FAULT;
  const hanging = new Set<ServerResponse>();

  const prepare = (query: string): Parsed => {
    let parsed = documents.get(query);
    if (!parsed) {
      try {
        const document = parse(query);
        const errors = validate(schema, document);
        parsed = errors.length > 0 ? { errors } : { document };
      } catch (error) {
        parsed = { errors: [error as GraphQLError] };
      }
      documents.set(query, parsed);
    }
    return parsed;
  };

  const graphql = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    stats.requests++;
    if (typeof req.headers.traceparent === 'string') {
      stats.traced++;
      stats.lastTraceparent = req.headers.traceparent;
    }
    if (options.verify) {
      const verified = await options.verify(req.headers.authorization);
      if (!verified.ok) {
        stats.refused++;
        req.resume();
        throw new HttpError(401, verified.message, 'UNAUTHENTICATED');
      }
      stats.lastCaller = verified.caller;
    }
    const body = JSON.parse(await readText(req)) as {
      query?: unknown;
      variables?: unknown;
      operationName?: unknown;
    };
    if (typeof body.query !== 'string') throw new HttpError(400, 'body.query must be a string');
    const mode = effectiveMode(faults, Date.now());
    if (mode === 'hang') {
      hanging.add(res);
      stats.hanging = hanging.size;
      res.on('close', () => {
        hanging.delete(res);
        stats.hanging = hanging.size;
      });
      return;
    }
    if (mode === 'slow') await sleep(faults.latencyMs);
    if (mode === 'http-500')
      return send(res, 500, JSON.stringify({ errors: [{ message: 'Internal Server Error' }] }));
    if (mode === 'graphql-error') {
      const failure = { message: 'record store unavailable', extensions: { code: 'INTERNAL_SERVER_ERROR' } };
      return send(res, 200, JSON.stringify({ data: null, errors: [failure] }));
    }
    if (mode === 'malformed') return send(res, 200, '<html><body>502 Bad Gateway</body></html>');
    const parsed = prepare(body.query);
    if ('errors' in parsed) return send(res, 400, JSON.stringify({ errors: parsed.errors }));
    const result = await execute({
      schema,
      document: parsed.document,
      variableValues: body.variables as Record<string, unknown> | undefined,
      operationName: typeof body.operationName === 'string' ? body.operationName : undefined,
      contextValue: options.createContext(faults),
    });
    const text = JSON.stringify(result);
    if (mode === 'truncated') {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      res.write(text.slice(0, Math.floor(text.length / 2)));
      res.destroy();
      return;
    }
    if (mode === 'huge') return sendPadded(res, text, faults.bytes);
    send(res, 200, text);
  };

  const admin = async (req: IncomingMessage, res: ServerResponse, path: string): Promise<void> => {
    if (path === '/__stats' && req.method === 'GET') return send(res, 200, JSON.stringify(stats));
    if (path === '/__faults' && req.method === 'GET') return send(res, 200, JSON.stringify(faults));
    if (path === '/__faults' && req.method === 'PUT') {
      const settings = parseFaultSettings(JSON.parse(await readText(req)));
      if (typeof settings === 'string') throw new HttpError(400, settings);
      faults = settings;
      if (effectiveMode(faults, Date.now()) !== 'hang') for (const r of hanging) r.destroy();
      logger.warn({ faults }, 'fault settings changed');
      return send(res, 200, JSON.stringify(faults));
    }
    throw new HttpError(404, `no route ${req.method} ${path}`);
  };

  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const handle =
      path === '/graphql' && req.method === 'POST'
        ? graphql(req, res)
        : path === '/healthz'
          ? Promise.resolve(send(res, 200, JSON.stringify({ status: 'ok', service: options.name })))
          : options.faultsEnabled && path.startsWith('/__')
            ? admin(req, res, path)
            : Promise.reject(new HttpError(404, `no route ${req.method} ${path}`));
    handle.catch((error: unknown) => {
      const status = error instanceof HttpError ? error.status : error instanceof SyntaxError ? 400 : 500;
      if (status === 500) logger.error({ err: error }, 'request failed');
      if (!res.headersSent && !res.destroyed) {
        if (status === 413) discardRestOf(req);
        const code = error instanceof HttpError ? error.code : undefined;
        const message = status === 500 ? 'Internal Server Error' : (error as Error).message;
        send(
          res,
          status,
          JSON.stringify({ errors: [{ message, ...(code ? { extensions: { code } } : {}) }] }),
        );
      }
    });
  });
  server.keepAliveTimeout = 65_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${options.host}:${port}/graphql`;
  logger.info({ url, faults: options.faultsEnabled, assertions: options.verify !== undefined }, 'listening');
  if (!options.verify)
    logger.warn('gateway assertions are not verified: any caller is answered (development only)');
  return {
    url,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const r of hanging) r.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
